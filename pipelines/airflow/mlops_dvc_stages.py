"""The DVC pipeline as an Airflow 3 DAG: one task per ``dvc.yaml`` stage (issue 28).

Each task runs one stage through the project's worker module (``python -m
mlops_pipeline.worker --stage``): in a fresh clone of ``MLOPS_GIT_URL`` at ``MLOPS_GIT_REV``
when set (else in ``MLOPS_PROJECT_PATH``), ``dvc repro --pull <stage>`` with
``MLOPS_DVC_REMOTE`` as the remote — the upstream stages, already run by their own tasks, are
restored from the remote's run cache instead of rerun — then ``dvc push --run-cache <stage>``.
Consecutive stages may so run on different Celery workers, sharing only the remote
(:mod:`mlops_pipeline.worker.dvc_sync` says why not ``--single-item``). Dependencies come from ``dvc.yaml`` itself (a stage
depends on the stages whose outs it reads: ``dvc dag``'s edges), read from the file beside
this DAG folder (``MLOPS_DVC_YAML`` overrides it) when the DAG is parsed. Triggered by hand
(``schedule=None``): ``airflow dags trigger mlops_dvc_stages``.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

# Airflow puts the DAG folder on sys.path; this line keeps the DAG importable from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from dvc_stage_graph import upstream_stages  # noqa: E402
from mlops_common import DEFAULT_ARGS, TASK_ENV, stage_command  # noqa: E402

DVC_YAML = Path(
    os.environ.get("MLOPS_DVC_YAML", str(Path(__file__).resolve().parents[2] / "dvc.yaml"))
)

with DAG(
    dag_id="mlops_dvc_stages",
    description="dvc repro, one task per dvc.yaml stage, data through the DVC remote",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["mlops", "dvc"],
) as dag:
    graph = upstream_stages(DVC_YAML)
    tasks = {
        stage: BashOperator(
            task_id=stage, bash_command=stage_command(stage), env=TASK_ENV, append_env=True
        )
        for stage in graph
    }
    for stage, upstream in graph.items():
        for other in upstream:
            tasks[other] >> tasks[stage]
