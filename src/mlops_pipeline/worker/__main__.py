"""``python -m mlops_pipeline.worker [--project-path P] [--fresh-workspace]
(--stage STAGE | [--pull TARGET]... [--push TARGET]... -- COMMAND...)``.

``--stage``: ``dvc repro --single-item STAGE``, its inputs pulled and outputs pushed when
``MLOPS_DVC_REMOTE`` is set. Otherwise COMMAND (``kedro run ...``, ``python -m
mlops_pipeline.registry ...``) runs in the workspace with this venv first on ``PATH``, after
``dvc pull`` of the ``--pull`` targets (DVC stage names or tracked paths); the ``--push``
targets that exist are pushed when it succeeds. The exit code is COMMAND's (the drift gate's
99 reaches Airflow); a setup problem is one line on stderr (exit 2).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mlops_pipeline.errors import UserInputError

from .dvc_sync import pull, push, repro_stage
from .workspace import WorkerSettings, configure_remote, prepare

log = logging.getLogger("mlops_pipeline.worker")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line (everything after ``--`` is the command)."""
    parser = argparse.ArgumentParser(prog="python -m mlops_pipeline.worker")
    parser.add_argument("--project-path", type=Path,
                        default=Path(os.environ.get("MLOPS_PROJECT_PATH", ".")))  # fmt: skip
    parser.add_argument("--fresh-workspace", action="store_true",
                        help="a clone per task when MLOPS_GIT_URL is set")  # fmt: skip
    parser.add_argument("--stage", help="dvc repro --single-item STAGE")
    parser.add_argument("--pull", action="append", default=[], metavar="TARGET")
    parser.add_argument("--push", action="append", default=[], metavar="TARGET")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    args.command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if bool(args.stage) == bool(args.command):
        parser.error("give either --stage STAGE or -- COMMAND")
    return args


def run_command(workspace: Path, command: list[str]) -> int:
    """``command`` in ``workspace`` with this interpreter's venv first on ``PATH``."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, cwd=workspace, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    """Prepare the workspace, pull, run, push; the command's exit code (2: a setup error)."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = WorkerSettings.from_env(args.project_path)
    try:
        workspace = prepare(settings, fresh=args.fresh_workspace)
        # no DVC target, no DVC call: the workspace's config is left as it is
        wants_dvc = bool(args.stage or args.pull or args.push)
        remote = configure_remote(settings, workspace) if wants_dvc else None
        if args.stage:
            repro_stage(workspace, args.stage, remote)
            code = 0
        else:
            if remote:
                pull(workspace, remote, args.pull)
            code = run_command(workspace, args.command)
            if remote and code == 0:
                push(workspace, remote, [t for t in args.push if (workspace / t).exists()])
    except UserInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if code == 0 and workspace != settings.project_path:
        shutil.rmtree(workspace, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
