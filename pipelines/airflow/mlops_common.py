"""Shared settings of the project's Airflow DAGs (Airflow puts the DAG folder on sys.path).

Airflow runs in its own virtualenv; tasks run the PROJECT's commands in the PROJECT's
virtualenv through BashOperator — never a KedroSession inside Airflow's interpreter.

* ``MLOPS_PROJECT_PATH``: the project checkout on the workers (default: two folders above this
  file, i.e. the checkout this DAG folder belongs to). kedro-airflow's generated DAGs use
  ``Path.cwd()``, which is the worker's cwd, not the project: set it explicitly.
* ``MLOPS_KEDRO_ENV``: the Kedro environment (default ``base``, as the DVC stages).
* ``MLOPS_RETRAIN_COMMAND``: replaces the retrain command (the DAG check writes a marker file).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_PATH = Path(
    os.environ.get("MLOPS_PROJECT_PATH", str(Path(__file__).resolve().parents[2]))
).resolve()
KEDRO_ENV = os.environ.get("MLOPS_KEDRO_ENV", "base")
VENV_BIN = PROJECT_PATH / ".venv" / "bin"

#: Environment of every task: the project's venv first on PATH, no telemetry.
TASK_ENV = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "KEDRO_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}

DEFAULT_ARGS = {"owner": "mlops", "retries": 0}


def in_project(command: str) -> str:
    """``command`` run from the project root with the project's virtualenv."""
    return f"cd {PROJECT_PATH} && {command}"


def retrain_command(extra: str = "") -> str:
    override = os.environ.get("MLOPS_RETRAIN_COMMAND")
    if override:
        return override
    return in_project(f"kedro run --pipelines retrain --env {KEDRO_ENV} {extra}".strip())
