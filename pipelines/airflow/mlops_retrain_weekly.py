"""Weekly scheduled retraining (Airflow 3): one ``kedro run --pipelines retrain`` task.

``retrain.trigger.scheduled=true`` makes the cycle train a challenger whatever the drift gate
says; promotion still needs the challenger to beat the champion on the frozen holdout. The
cycle is one task, not one per node: its nodes pass data in memory, it holds the ``retrain``
run lock for its whole length, and its commit step is all-or-nothing.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

# Airflow puts the DAG folder on sys.path; this line keeps the DAG importable from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mlops_common import DEFAULT_ARGS, TASK_ENV, retrain_command  # noqa: E402

with DAG(
    dag_id="mlops_retrain_weekly",
    description="Scheduled champion/challenger retraining (kedro run --pipelines retrain)",
    schedule="@weekly",  # Airflow 3: `schedule=`, not `schedule_interval=`
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["mlops", "retrain"],
) as dag:
    BashOperator(
        task_id="retrain",
        bash_command=retrain_command("--params retrain.trigger.scheduled=true"),
        env=TASK_ENV,
        append_env=True,
    )
