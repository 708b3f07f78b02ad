"""Import every DAG of this folder and check its task graph (run with the Airflow venv).

``make airflow-check`` runs it before ``airflow dags test``. Exit 1 with the reason on any
import error or unexpected graph. ``mlops_dvc_stages`` must have exactly ``dvc.yaml``'s stage
graph, as DVC itself draws it (``dvc dag --dot`` of the project's venv, ``.dvc`` files left
out).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

warnings.simplefilter("ignore")

from airflow.dag_processing.dagbag import DagBag  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
_EDGE = re.compile(r'^"([^"]+)" -> "([^"]+)";$')


def dvc_dag_edges() -> dict[str, list[str]]:
    """Stage -> the stages that depend on it, from ``dvc dag --dot`` (project venv)."""
    dvc = os.environ.get("MLOPS_DVC", str(ROOT / ".venv" / "bin" / "dvc"))
    dot = subprocess.run([dvc, "dag", "--dot"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    nodes = re.findall(r'^"([^"]+)";$', dot, flags=re.M)
    edges: dict[str, list[str]] = {n: [] for n in nodes if not n.endswith(".dvc")}
    for line in dot.splitlines():
        match = _EDGE.match(line.strip())
        if match and match.group(1) in edges:
            edges[match.group(1)].append(match.group(2))
    return {stage: sorted(down) for stage, down in edges.items()}


EXPECTED = {
    "mlops_retrain_weekly": {"schedule": "0 0 * * 0", "edges": {"retrain": []}},
    "mlops_drift_check_daily": {
        "schedule": "0 0 * * *",
        "edges": {"drift_gate": ["retrain"], "retrain": []},
    },
    # schedule None (triggered by hand); edges filled in by main() from `dvc dag --dot`
    "mlops_dvc_stages": {"schedule": None, "edges": None},
}


def main() -> int:
    folder = Path(__file__).resolve().parent
    EXPECTED["mlops_dvc_stages"]["edges"] = dvc_dag_edges()
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
        print(f"{dag_id}: {expression}, {len(edges)} tasks: {edges}")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(EXPECTED)} DAGs import cleanly, graphs as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
