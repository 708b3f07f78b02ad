"""End to end: the ``imdb`` pipeline through a Kedro session on the synthetic archive.

One ``--env test`` run, then every stage's outputs are checked: the reviews table, feature
matrices whose rows match the folds, model folders with valid cards, one leaderboard row per
model — and ``data/`` (the real outputs) left byte-identical: the test environment writes under
its own data root (conf/test/globals.yml).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from mlops_pipeline.models import discover_models, load_model

SCRATCH = ".scratch/test"  # conf/test/globals.yml: data_root = .scratch/test/data


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative path -> digest)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def imdb_run(tmp_path_factory: pytest.TempPathFactory):
    from project_copy import copy_project

    project = copy_project(tmp_path_factory.mktemp("e2e") / "project")
    # stand-ins for a real run's outputs, which a test-environment run must not touch
    for path in (
        "data/02_intermediate/ingest/reviews.parquet",
        "data/08_reporting/baseline/metrics.json",
    ):
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text("real output")
    before = tree_digest(project / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        bootstrap_project(project)
        with KedroSession.create(project_path=project, env="test") as session:
            session.run(pipeline_names=["imdb"])
        with KedroSession.create(project_path=project, env="test") as session:
            catalog = session.load_context().catalog
    return project, catalog, before


def _json(project: Path, path: str) -> dict:
    return json.loads((project / SCRATCH / path).read_text())


@pytest.mark.slow
def test_the_test_environment_leaves_data_byte_identical(imdb_run) -> None:
    project, _, before = imdb_run
    assert tree_digest(project / "data") == before
    assert (project / SCRATCH / "data/02_intermediate/ingest/reviews.parquet").is_file()


@pytest.mark.slow
def test_ingest_and_baseline(imdb_run) -> None:
    project, _, _ = imdb_run
    reviews = pd.read_parquet(project / SCRATCH / "data/02_intermediate/ingest/reviews.parquet")
    assert len(reviews) == 4 * 40 + 30
    assert json.dumps(_json(project, "data/08_reporting/ingest/metrics.json"))
    metrics = _json(project, "data/08_reporting/baseline/metrics.json")
    assert metrics["test"]["accuracy"] >= 0.8  # chance is 0.5


@pytest.mark.slow
def test_feature_matrices_have_one_row_per_review_of_their_fold(imdb_run) -> None:
    project, catalog, _ = imdb_run
    reviews = pd.read_parquet(project / SCRATCH / "data/02_intermediate/ingest/reviews.parquet")
    counts = reviews["fold"].value_counts()
    for prefix in ("features_bow", "features_tfidf", "embeddings_word2vec_mean"):
        for fold in ("fit", "val", "test"):
            matrix = catalog.load(f"{prefix}_{fold}")
            assert matrix.shape[0] == counts[fold], f"{prefix}_{fold}"


@pytest.mark.slow
def test_every_model_has_a_valid_card_and_a_leaderboard_row(imdb_run) -> None:
    project, _, _ = imdb_run
    folders = discover_models(project / SCRATCH / "data/06_models")
    assert {f.parent.name for f in folders} >= {"train_classical", "train_lstm", "train_bert"}
    board = pd.read_csv(project / SCRATCH / "data/08_reporting/evaluate/leaderboard.csv")
    assert sorted(board["model_id"]) == sorted(f.name for f in folders)
    metrics = _json(project, "data/08_reporting/evaluate/metrics.json")
    assert sorted(metrics) == sorted(board["model_id"])
    for folder in folders:
        model = load_model(folder)
        assert model.card.model_id == folder.name
        assert set(model.card.val_metrics) >= {"accuracy", "roc_auc", "rows"}
        assert model.predict_proba(["A wonderful film.", "Awful."]).shape == (2, 2)
    predictions = pd.read_parquet(
        project / SCRATCH / "data/07_model_output/evaluate/predictions.parquet"
    )
    # every model on all test rows, except subset-scored ones (BERT: evaluate.test_subset rows)
    assert len(predictions) == int(board["test_rows"].sum())
    rows = dict(zip(board["model_id"], board["test_rows"], strict=True))
    subset = _json(project, "data/07_model_output/evaluate/test_subset.json")
    assert rows["bert__minilm_l6"] == len(subset) < max(rows.values())
    assert board["subset_accuracy"].notna().all()


@pytest.mark.slow
def test_every_stage_writes_headline_metrics_and_node_timings(imdb_run) -> None:
    project, _, _ = imdb_run
    for stage in ("ingest", "preprocess", "features", "embeddings", "baseline",
                  "train_classical", "train_lstm", "train_bert", "evaluate"):  # fmt: skip
        metrics = _json(project, f"data/08_reporting/{stage}/metrics.json")
        assert metrics, stage
        assert "seconds" not in json.dumps(metrics), f"{stage}: wall times in metrics.json"
        timings = _json(project, f"data/08_reporting/{stage}/node_timings.json")
        assert timings["nodes"] and timings["total_seconds"] >= 0, stage


@pytest.mark.slow
def test_retrain_cycle_and_mlflow_tracking_in_the_test_environment(imdb_run) -> None:
    """Issue 16: the imdb run's training runs are in MLflow (the session's temporary store);
    a drifted labelled batch makes `retrain` register a first champion and a challenger."""
    import os

    from mlflow import MlflowClient

    from mlops_pipeline.registry.intake import frozen_holdout

    project, _, _ = imdb_run
    client = MlflowClient(os.environ["MLFLOW_TRACKING_URI"])
    experiment = client.get_experiment_by_name("sentiment-test")
    runs = client.search_runs([experiment.experiment_id], "tags.pipeline = 'train_classical'")
    folders = discover_models(project / SCRATCH / "data/06_models/train_classical")
    assert {r.data.tags["model_id"] for r in runs} >= {f.name for f in folders}
    assert all("val_accuracy" in r.data.metrics for r in runs)

    reviews = pd.read_parquet(project / SCRATCH / "data/02_intermediate/ingest/reviews.parquet")
    test = reviews[reviews["fold"] == "test"]
    fresh = test[~test["review_id"].isin(frozen_holdout(test, 20)["review_id"])]
    batch = fresh[["review_id", "text", "label"]].rename(columns={"review_id": "id"})
    batch["text"] = batch["text"].str.lower().str.replace(r"[^\w\s]", "", regex=True)
    incoming = project / SCRATCH / "batches" / "incoming"
    incoming.mkdir(parents=True)
    batch.to_csv(incoming / "b1.csv", index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        with KedroSession.create(project_path=project, env="test") as session:
            session.run(pipeline_names=["retrain"])
    decision = _json(project, "data/08_reporting/retrain/last_decision.json")
    assert decision["trigger"] == "drift" and decision["outcome"] in {"promoted", "kept"}
    assert decision["champion_before"] == 1 and decision["challenger_version"] == 2
    assert (project / SCRATCH / "batches" / "accepted" / "b1.csv").exists()
    log = project / SCRATCH / "data/08_reporting/retrain/decisions.jsonl"
    assert len(log.read_text().splitlines()) == 1
