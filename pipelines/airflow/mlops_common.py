"""Shared settings of the project's Airflow DAGs (Airflow puts the DAG folder on sys.path).

Airflow runs in its own virtualenv; every task runs the PROJECT's installed package in the
PROJECT's virtualenv (``python -m mlops_pipeline.worker``, BashOperator) — never a
KedroSession inside Airflow's interpreter. The worker module prepares the task's workspace,
``dvc pull``s its inputs from ``MLOPS_DVC_REMOTE`` when that is set, runs the command and
``dvc push``es what it made (docs/team.md "What a worker needs").

Read when the DAG file is parsed (dag-processor, and each worker before it runs a task):

* ``MLOPS_PROJECT_PATH``: the project on the workers: its ``conf/``, ``dvc.yaml``, ``.dvc/``
  (default: two folders above this file, the checkout this DAG folder belongs to).
  kedro-airflow's generated DAGs use ``Path.cwd()``, the worker's cwd: set it explicitly.
* ``MLOPS_VENV``: the virtualenv with the project installed (default ``<project>/.venv``;
  ``make worker-venv`` builds one).
* ``MLOPS_KEDRO_ENV``: the Kedro environment (default ``base``, as the DVC stages).
* ``MLOPS_RETRAIN_COMMAND``: replaces the retrain command (the DAG check writes a marker file).

Read by the worker module when a task runs (not here): ``MLOPS_DVC_REMOTE``, ``MLOPS_GIT_URL``,
``MLOPS_GIT_REV``, ``MLOPS_WORKSPACE_ROOT``, ``MLOPS_DVC_CACHE``.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

PROJECT_PATH = Path(
    os.environ.get("MLOPS_PROJECT_PATH", str(Path(__file__).resolve().parents[2]))
).resolve()
KEDRO_ENV = os.environ.get("MLOPS_KEDRO_ENV", "base")
VENV = Path(os.environ.get("MLOPS_VENV", str(PROJECT_PATH / ".venv")))
VENV_BIN = VENV / "bin"

#: Environment of every task: the project's venv first on PATH, no telemetry.
TASK_ENV = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "KEDRO_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "DVC_NO_ANALYTICS": "1",
}

DEFAULT_ARGS = {"owner": "mlops", "retries": 0}

#: DVC stages whose outputs a pipeline reads through the catalog (pulled before it runs).
READS = {
    "gate": ["ingest", "preprocess", "embeddings"],
    "retrain": ["ingest", "preprocess", "embeddings", "train_classical"],
}
#: What the retrain cycle adds to DVC (``retrain.dvc_add_accepted``), pushed after it runs.
RETRAIN_PUSHES = ["data/01_raw/batches/accepted.dvc"]


def on_worker(
    command: str,
    pull: list[str] | None = None,
    push: list[str] | None = None,
    fresh_workspace: bool = False,
) -> str:
    """``command`` run by the project's worker module: pull, run in the workspace, push."""
    args = [str(VENV_BIN / "python"), "-m", "mlops_pipeline.worker"]
    args += ["--project-path", str(PROJECT_PATH)]
    args += ["--fresh-workspace"] * fresh_workspace
    for target in pull or []:
        args += ["--pull", target]
    for target in push or []:
        args += ["--push", target]
    return shlex.join(args) + f" -- {command}"


def stage_command(stage: str) -> str:
    """``dvc repro <stage>`` in a fresh workspace: upstream stages restored from the remote's
    run cache (``--pull``), ``<stage>`` run, its outputs and run-cache entry pushed."""
    args = [str(VENV_BIN / "python"), "-m", "mlops_pipeline.worker"]
    args += ["--project-path", str(PROJECT_PATH), "--fresh-workspace", "--stage", stage]
    return shlex.join(args)


def retrain_command(extra: str = "") -> str:
    """The retrain task's command (``MLOPS_RETRAIN_COMMAND`` replaces it)."""
    override = os.environ.get("MLOPS_RETRAIN_COMMAND")
    if override:
        return override
    command = f"kedro run --pipelines retrain --env {KEDRO_ENV} {extra}".strip()
    return on_worker(command, pull=READS["retrain"], push=RETRAIN_PUSHES)
