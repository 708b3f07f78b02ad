"""``python -m mlops_pipeline.registry list|champion|verify|promote VERSION|rollback|register|init|gate``.

``gate --served DIR`` runs the drift gate on the online service's request log (docs/serving.md).

Every command reads the store of ``conf/base/mlflow.yml`` (+ ``conf/<env>/``; ``--env``), or
``MLFLOW_TRACKING_URI`` when set. The project is the one at or above the current directory
(the folder whose ``pyproject.toml`` has ``[tool.kedro]``), or ``--project-path``; outside a
project the command fails in one line and creates nothing. ``list``, ``champion`` and
``verify`` only read: they never create a store. ``promote``, ``rollback``, ``register`` and
``init`` hold the ``retrain`` run lock (:mod:`mlops_pipeline.run_lock`): they refuse at once
while a retraining runs, so an alias never moves under it, and they first reconcile a retrain
commit that was interrupted (:func:`.commit.reconcile`). Nothing is ever deleted.
Errors are one line on stderr (exit 2).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.run_lock import pipeline_lock
from mlops_pipeline.tracking.config import load_tracking_config

from .commit import reconcile
from .mlflow_registry import Registry
from .registration import best_val_folder, register_first_champion, register_folder
from .versions import CHALLENGER, CHAMPION, RegistryError

LOCK_NAME = "retrain"


def project_root(given: Path | None) -> Path:
    """``given``, else the nearest folder at or above the current one whose ``pyproject.toml``
    declares ``[tool.kedro]`` (as ``kedro`` itself finds its project)."""
    candidates = [Path(given)] if given is not None else [Path.cwd(), *Path.cwd().parents]
    for folder in candidates:
        toml = folder / "pyproject.toml"
        if toml.is_file() and "[tool.kedro]" in toml.read_text(errors="replace"):
            return folder.resolve()
    where = given if given is not None else f"{Path.cwd()} or above it"
    raise RegistryError(
        f"no Kedro project at {where} (no pyproject.toml with [tool.kedro]); run from the "
        "project folder or pass --project-path PROJECT"
    )


def decision_log(root: Path, env: str) -> Path | None:
    """``retrain.decision_log`` of ``env`` (Kedro's parameters), resolved against ``root``;
    ``None`` when the project configures no retraining."""
    from kedro.config import MissingConfigException, OmegaConfigLoader

    loader = OmegaConfigLoader(
        conf_source=str(root / "conf"), base_env="base", default_run_env="local", env=env
    )
    try:
        return root / loader["parameters"]["retrain"]["decision_log"]
    except (KeyError, TypeError, MissingConfigException):
        return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mlops_pipeline.registry", description=__doc__)
    parser.add_argument("--env", default="local", help="Kedro config environment (mlflow.yml)")
    parser.add_argument(
        "--project-path",
        type=Path,
        default=None,
        help="project root (default: the Kedro project at or above the current folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every version with its aliases and tags (JSON lines)")
    show = sub.add_parser("champion", help="the champion (or --alias) version and its folder")
    show.add_argument("--alias", default=CHAMPION, choices=[CHAMPION, CHALLENGER])
    verify = sub.add_parser("verify", help="check a version's files against its manifest")
    verify.add_argument("version", nargs="?", default=CHAMPION, help="number or alias")
    promote = sub.add_parser("promote", help="point `champion` at VERSION")
    promote.add_argument("version", type=int)
    sub.add_parser("rollback", help="point `champion` back at the previous champion")
    register = sub.add_parser("register", help="register a model folder as a new version")
    register.add_argument("folder", type=Path)
    register.add_argument("--promote", action="store_true", help="make it the champion too")
    init = sub.add_parser("init", help="register the best-val model as the first champion")
    init.add_argument("--models-root", type=Path, default=Path("data/06_models"))
    gate = sub.add_parser("gate", help="drift gate over incoming batches (exit 0 work, 99 none)")
    gate.add_argument("--reference", type=Path, default=None, help="reviews file (text column)")
    where = gate.add_mutually_exclusive_group()
    where.add_argument("--incoming", type=Path, default=None, help="batch folder (default: params)")
    where.add_argument(
        "--served",
        type=Path,
        default=None,
        help="the online service's request log folder (data/09_serving/requests, or one day)",
    )
    return parser


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = project_root(args.project_path)
    if args.command == "gate":
        # why local: the drift gate loads Evidently; the alias commands must stay fast
        from .gate_command import run_gate

        return run_gate(root, args.env, args.reference, args.incoming, args.served)
    config = load_tracking_config(root, args.env)
    if args.command in ("list", "champion", "verify"):
        return _read(Registry(config, create=False), args)
    registry = Registry(config)
    with pipeline_lock(LOCK_NAME, root):
        log = decision_log(root, args.env)
        done = reconcile(registry, log) if log is not None else None
        if done:
            print(f"an interrupted retrain commit was found and {done}")
        if args.command == "promote":
            before = registry.promote(args.version, reason="manual (CLI)")
            print(f"champion: version {args.version} (was {before})")
        elif args.command == "rollback":
            old, new = registry.rollback()
            print(f"champion: version {new} (rolled back from {old}; nothing deleted)")
        elif args.command == "register":
            version = register_folder(registry, args.folder, run_name=f"register {args.folder}")
            print(f"registered {args.folder} as version {version}")
            if args.promote:
                registry.promote(version, reason="manual (CLI register --promote)")
                print(f"champion: version {version}")
        elif args.command == "init":
            current = registry.alias(CHAMPION)
            if current is not None:
                print(f"champion already set: version {current.version} ({current.model_id})")
                return 0
            folder = best_val_folder(root / args.models_root)
            version = register_first_champion(registry, folder)
            print(f"champion: version {version} ({folder.name}, best val accuracy)")
    return 0


def _read(registry: Registry, args: argparse.Namespace) -> int:
    """The read-only commands: ``list``, ``champion``, ``verify``."""
    if args.command == "list":
        for info in registry.versions():
            print(json.dumps(info.as_dict(), sort_keys=True))
        return 0
    if args.command == "champion":
        info = registry.alias(args.alias)
        if info is None:
            print(f"no {args.alias} yet (python -m mlops_pipeline.registry init)")
            return 1
        print(json.dumps({**info.as_dict(), "folder": str(registry.folder(info.version))}))
        return 0
    version = registry._version_of(args.version)
    folder = registry.folder(version)  # raises naming the first file that differs
    tags = registry.get(version).tags
    print(
        f"version {version}: every stored file matches its manifest "
        f"(model_version {tags.get('model_version', '?')}, folder {folder})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    from mlflow.exceptions import MlflowException

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(argv)
    except UserInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MlflowException as exc:  # a store error no command turned into a RegistryError
        first = (str(exc).strip().splitlines() or ["unknown"])[0][:300]
        print(f"error: MLflow: {first} (store: MLFLOW_TRACKING_URI or conf/*/mlflow.yml)",
              file=sys.stderr)  # fmt: skip
        return 2


if __name__ == "__main__":
    sys.exit(main())
