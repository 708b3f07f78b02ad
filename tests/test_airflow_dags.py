"""Scheduling (issue 16): DAG sources, the drift gate's exit codes, the cron files.

The DAGs themselves are imported and run by Airflow in ``make airflow-check`` (Airflow lives in
its own virtualenv, not the project's); these checks need no Airflow.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
from dvc.repo import Repo

ROOT = Path(__file__).resolve().parents[1]
DAGS = ROOT / "pipelines" / "airflow"


def test_dags_use_airflow3_schedule_and_an_explicit_project_path() -> None:
    files = sorted(DAGS.glob("mlops_*_*.py"))
    assert [f.name for f in files] == [
        "mlops_drift_check_daily.py",
        "mlops_dvc_stages.py",
        "mlops_retrain_weekly.py",
    ]
    for path in [*files, DAGS / "mlops_common.py"]:
        source = path.read_text()
        keywords = {k.arg for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
                    for k in n.keywords}  # fmt: skip
        assert "schedule_interval" not in keywords
        assert "Path.cwd()\n" not in source and "import KedroSession" not in source
        assert not [
            n
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Attribute) and n.attr == "cwd"
        ]
    for path in files:
        assert "schedule=" in path.read_text() and "BashOperator" in path.read_text()
    common = (DAGS / "mlops_common.py").read_text()
    assert "MLOPS_PROJECT_PATH" in common and "MLOPS_VENV" in common
    # every task runs the project's installed worker module, not a `cd` into a checkout
    assert '"mlops_pipeline.worker"' in common and "cd " not in common


def _stage_graph_module():
    spec = importlib.util.spec_from_file_location("dvc_stage_graph", DAGS / "dvc_stage_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dvc_upstream(root: Path) -> dict[str, list[str]]:
    """Stage -> the dvc.yaml stages it depends on, from DVC's own index (``.dvc`` files out)."""
    with Repo(str(root)) as repo:
        graph = repo.index.graph
        stages = [s for s in graph.nodes if getattr(s, "name", None)]
        return {s.name: sorted(u.name for u in graph.successors(s) if getattr(u, "name", None))
                for s in stages}  # fmt: skip


def test_the_stage_dag_has_dvc_yamls_graph() -> None:
    """mlops_dvc_stages reads dvc.yaml with PyYAML (Airflow's venv has no DVC): same edges."""
    assert _stage_graph_module().upstream_stages(ROOT / "dvc.yaml") == _dvc_upstream(ROOT)


def test_the_stage_graph_resolves_vars_and_nested_paths(tmp_path) -> None:
    (tmp_path / "params.yml").write_text("paths: {raw: data/raw.csv, feats: data/g}\n")
    (tmp_path / "dvc.yaml").write_text(
        "vars:\n  - params.yml:paths\n"
        "stages:\n"
        "  a: {cmd: x, deps: [data/raw.csv], outs: [data/f/a.npz, data/r/a.json]}\n"
        "  b: {cmd: x, deps: [data/f], outs: ['${paths.feats}/b/']}\n"  # data/f holds a's out
        "  c: {cmd: x, deps: [data/g/b/part.txt, data/r], outs: [data/c]}\n"  # inside b's out
        "  d: {cmd: x, deps: ['${paths.raw}'], outs: [{data/d: {cache: false}}]}\n"
    )
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=tmp_path,
                   check=True)  # fmt: skip
    upstream = _stage_graph_module().upstream_stages(tmp_path / "dvc.yaml")
    assert upstream == {"a": [], "b": ["a"], "c": ["a", "b"], "d": []}
    assert upstream == _dvc_upstream(tmp_path)


def _gate(tmp_path: Path, batch: pd.DataFrame) -> subprocess.CompletedProcess:
    incoming = tmp_path / "incoming"
    incoming.mkdir(exist_ok=True)
    for old in incoming.iterdir():
        old.unlink()
    batch.to_csv(incoming / "b.csv", index=False)
    texts = [f"A Fine film, number {i % 60}! Really." for i in range(200)]
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "ref.csv", index=False)
    return subprocess.run(
        [sys.executable, "-m", "mlops_pipeline.registry", "--project-path", str(ROOT),
         "--env", "test", "gate", "--reference", str(tmp_path / "ref.csv"),
         "--incoming", str(incoming)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_gate_fires_on_drift_only(tmp_path) -> None:
    ids = [f"x{i}" for i in range(60)]
    clean = pd.DataFrame(
        {"id": ids, "text": [f"A Fine film, number {i}! Really." for i in range(60)], "label": 1}
    )
    assert _gate(tmp_path, clean).returncode == 99
    stripped = clean.assign(text=[f"a fine film number {i} really" for i in range(60)])
    result = _gate(tmp_path, stripped)
    assert result.returncode == 0, result.stderr
    assert '"drift_detected": true' in result.stdout
    assert list((tmp_path / "incoming").iterdir())  # read-only: nothing moved


def test_cron_appends_logs_and_locks() -> None:
    cron = (ROOT / "pipelines" / "cron" / "retrain.cron").read_text()
    assert "crontab -l" in cron and "mkdir -p logs" in cron
    script = (ROOT / "pipelines" / "cron" / "run_scheduled.sh").read_text()
    assert "|| true" not in script and "flock -n" in script and "mkdir -p logs" in script
    result = subprocess.run(["bash", "-n", str(ROOT / "pipelines/cron/run_scheduled.sh")])
    assert result.returncode == 0
