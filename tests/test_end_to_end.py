"""End to end: the ``imdb`` pipeline through a Kedro session on the synthetic archive."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project


@pytest.mark.slow
def test_imdb_pipeline_runs_end_to_end(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_copy)
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy, env="test") as session:
        session.run(pipeline_names=["imdb"])

    reviews = pd.read_parquet(project_copy / "data/02_intermediate/ingest/reviews.parquet")
    assert len(reviews) == 4 * 40 + 30
    ingest = json.loads((project_copy / "data/08_reporting/ingest/metrics.json").read_text())
    assert ingest["empty_reviews"] == 1
    metrics = json.loads((project_copy / "data/08_reporting/baseline/metrics.json").read_text())
    assert metrics["test"]["accuracy"] >= 0.8  # chance is 0.5
