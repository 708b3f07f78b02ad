"""`retrain` ends with the decision's one-screen summary, saved beside last_decision.json."""

from __future__ import annotations

from pathlib import Path

import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from mlops_pipeline.pipelines.retrain import create_pipeline

PROJECT = Path(__file__).resolve().parents[3]
DECISION = {
    "outcome": "skipped",
    "reason": "no drift",
    "trigger": "none",
    "batches": ["b1.csv"],
    "drift": {"drift_detected": None, "measurable": False, "reason": "no new batch", "rows": 0},
    "champion": None,
    "challenger": None,
    "champion_before": 1,
}


def test_the_last_node_turns_the_decision_into_its_summary():
    pipeline = create_pipeline().only_nodes("retrain.retrain_summary")
    assert pipeline.outputs() == {"retrain_run_summary"}
    catalog = DataCatalog(
        {"retrain_last_decision": MemoryDataset(DECISION), "retrain_run_summary": MemoryDataset()}
    )
    SequentialRunner().run(pipeline, catalog)
    text = catalog.load("retrain_run_summary")
    assert text.startswith("## retrain cycle") and "| decision | skipped: no drift |" in text
    assert "| drift | Drift: no new batch. |" in text and "nothing to undo" in text


def test_the_summary_is_saved_beside_the_decision():
    catalog = yaml.safe_load((PROJECT / "conf/base/catalog_retrain.yml").read_text())
    decision = Path(catalog["retrain_last_decision"]["filepath"])
    summary = Path(catalog["retrain_run_summary"]["filepath"])
    assert summary == decision.with_suffix(".md")
