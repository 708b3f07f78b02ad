"""Import every DAG of this folder and check its task graph (run with the Airflow venv).

``make airflow-check`` runs it before ``airflow dags test``. Exit 1 with the reason on any
import error or unexpected graph.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

warnings.simplefilter("ignore")

from airflow.dag_processing.dagbag import DagBag  # noqa: E402

EXPECTED = {
    "mlops_retrain_weekly": {"schedule": "0 0 * * 0", "edges": {"retrain": []}},
    "mlops_drift_check_daily": {
        "schedule": "0 0 * * *",
        "edges": {"drift_gate": ["retrain"], "retrain": []},
    },
}


def main() -> int:
    folder = Path(__file__).resolve().parent
    bag = DagBag(dag_folder=str(folder))
    problems = [f"{path}: import error\n{err}" for path, err in bag.import_errors.items()]
    for dag_id, expected in EXPECTED.items():
        dag = bag.dags.get(dag_id)
        if dag is None:
            problems.append(f"{dag_id}: not found in {folder}")
            continue
        edges = {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks}
        expression = getattr(dag.timetable, "expression", None)
        if edges != expected["edges"]:
            problems.append(f"{dag_id}: task graph {edges} != {expected['edges']}")
        if expression != expected["schedule"]:
            problems.append(f"{dag_id}: schedule {expression!r} != {expected['schedule']!r}")
        if dag.catchup or dag.max_active_runs != 1:
            problems.append(f"{dag_id}: needs catchup=False and max_active_runs=1")
        print(f"{dag_id}: {expression}, {edges}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(EXPECTED)} DAGs import cleanly, graphs as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
