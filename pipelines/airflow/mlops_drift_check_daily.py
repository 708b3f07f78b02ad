"""Daily drift check (Airflow 3): retrain only when the gate fires.

``drift_gate`` runs ``python -m mlops_pipeline.registry gate`` (read-only) through the
project's worker module (which pulls its reference data from ``MLOPS_DVC_REMOTE`` when set):
exit 0 when the incoming batches drift from the champion's reference (or one must be
quarantined), exit 99 otherwise — BashOperator marks the task *skipped* on 99, and ``retrain`` is skipped with it.
Batches without drift stay in ``incoming/`` for the weekly run.
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
from mlops_common import DEFAULT_ARGS, KEDRO_ENV, READS, TASK_ENV, on_worker, retrain_command  # noqa: E402

GATE_ARGS = os.environ.get("MLOPS_GATE_ARGS", "")  # e.g. --reference FILE (the DAG check)
# The gate's reference comes from the catalog (DVC outputs, pulled) unless --reference names it.
GATE_READS = [] if "--reference" in GATE_ARGS else READS["gate"]

with DAG(
    dag_id="mlops_drift_check_daily",
    description="Drift gate over new batches; triggers retraining only when it fires",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["mlops", "drift"],
) as dag:
    gate = BashOperator(
        task_id="drift_gate",
        bash_command=on_worker(
            f"python -m mlops_pipeline.registry --env {KEDRO_ENV} gate {GATE_ARGS}".strip(),
            pull=GATE_READS,
        ),
        env=TASK_ENV,
        append_env=True,
        skip_on_exit_code=99,
    )
    retrain = BashOperator(
        task_id="retrain",
        bash_command=retrain_command(),
        env=TASK_ENV,
        append_env=True,
    )
    gate >> retrain
