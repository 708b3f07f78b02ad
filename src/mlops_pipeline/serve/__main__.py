"""``python -m mlops_pipeline.serve [--port 8000] [--host 127.0.0.1] [--env local] ...``.

Loads the champion (the registry's ``@champion``, else select_champion's model), then serves it
with uvicorn until Ctrl-C. Settings: ``serve:`` in ``conf/*/parameters_serve.yml``; the flags
below override them. A configured registry that cannot be reached, or no model at all, fails
the start with one ``error:`` line on stderr (exit 2). docs/serving.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from mlops_pipeline.errors import UserInputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mlops_pipeline.serve", description=__doc__)
    parser.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")
    parser.add_argument("--env", default="local", help="Kedro config environment")
    parser.add_argument("--project-path", type=Path, default=None, help="project root")
    parser.add_argument("--poll-seconds", type=float, default=None, help="@champion poll (0: off)")
    parser.add_argument("--registered-model", default=None, help="registered model name")
    parser.add_argument("--log-dir", type=Path, default=None, help="request log folder")
    parser.add_argument("--no-log-text", dest="log_text", action="store_const", const=False,
                        default=None, help="log ids and probabilities only")  # fmt: skip
    parser.add_argument("--log-flush-seconds", type=float, default=None)
    parser.add_argument("--max-reviews", type=int, default=None)
    parser.add_argument("--max-body-bytes", type=int, default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("mlflow", "alembic", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("mlops_pipeline.scoring.validation").setLevel(logging.WARNING)
    try:
        # why local: `--help` and argument errors answer without loading MLflow and FastAPI
        import uvicorn

        from mlops_pipeline.registry.__main__ import project_root

        from .app import create_app
        from .holder import ModelHolder
        from .metrics import ServeMetrics
        from .request_log import RequestLog
        from .settings import load_settings

        root = project_root(args.project_path)
        settings = load_settings(
            root, args.env, host=args.host, port=args.port, poll_seconds=args.poll_seconds,
            registered_model=args.registered_model, log_dir=args.log_dir, log_text=args.log_text,
            max_reviews=args.max_reviews, max_body_bytes=args.max_body_bytes,
        )  # fmt: skip
        if args.log_flush_seconds is not None:
            settings.request_log.flush_seconds = args.log_flush_seconds
        metrics = ServeMetrics()
        holder = ModelHolder(settings, metrics)
        holder.start()
        rl = settings.request_log
        log = RequestLog(settings.path(rl.dir), text=rl.text, batch_rows=rl.batch_rows,
                         flush_seconds=rl.flush_seconds, metrics=metrics)  # fmt: skip
        app = create_app(settings, holder, log)
    except UserInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.getLogger(__name__).info("listening on http://%s:%d (docs: /docs)", settings.host,
                                     settings.port)  # fmt: skip
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                access_log=False)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
