"""Tracking: a training pipeline's run becomes MLflow runs with params, metrics, tags, folder."""

from __future__ import annotations

import uuid
from pathlib import Path

from kedro.io import DataCatalog
from kedro.pipeline import Pipeline, node
from mlflow import MlflowClient
from synthetic_text_models import trained_model

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.tracking.config import load_tracking_config
from mlops_pipeline.tracking.hook import (
    TRACKING_CONFIG,
    MlflowTrackingHook,
    dvc_data_hashes,
    training_pipelines,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _identity(x):
    return x


def test_a_training_run_is_logged_with_its_numbers_and_folder(tmp_path) -> None:
    name = f"train_t{uuid.uuid4().hex[:6]}"
    model, _ = trained_model("logreg", "tfidf")
    model.card.val_metrics = {"accuracy": 0.75, "roc_auc": 0.8, "rows": 20}
    dataset = TextModelsDataset(str(tmp_path / name))
    dataset.save({model.model_id: model})
    catalog = DataCatalog(datasets={f"{name}_models": dataset, "other": dataset})
    pipeline = Pipeline([node(_identity, "x", f"{name}_models", name="n")], tags=name)
    plain = Pipeline([node(_identity, "x", "other", name="m")], tags="features")
    assert training_pipelines(pipeline, catalog) == [name]
    assert training_pipelines(plain, catalog) == []

    hook = MlflowTrackingHook()
    hook.before_pipeline_run()
    hook.after_pipeline_run({"project_path": str(PROJECT_ROOT), "env": "test"}, pipeline, catalog)

    config = load_tracking_config(PROJECT_ROOT, "test")
    client = MlflowClient(config.tracking_uri)
    experiment = client.get_experiment_by_name(config.experiment)
    (run,) = client.search_runs([experiment.experiment_id], f"tags.pipeline = '{name}'")
    assert run.data.metrics["val_accuracy"] == 0.75
    assert run.data.metrics["train_rows"] == model.card.train_rows
    assert run.data.params["family"] == "logreg" and run.data.params["pipeline"] == name
    assert run.data.tags["model_id"] == model.model_id
    assert run.data.tags["data_hash"] == model.card.data_hash
    assert run.data.tags["device"] == "cpu"
    assert {f.path for f in client.list_artifacts(run.info.run_id, "model")} >= {
        "model/model_card.json"
    }


def test_dvc_hashes_come_from_the_dvc_files(tmp_path) -> None:
    raw = tmp_path / "data" / "01_raw"
    raw.mkdir(parents=True)
    (raw / "a.tar.gz.dvc").write_text("outs:\n- md5: abc123\n  path: a.tar.gz\n")
    assert dvc_data_hashes(tmp_path) == {"dvc.data/01_raw/a.tar.gz": "abc123"}


def test_tracking_errors_never_fail_a_run(tmp_path, caplog) -> None:
    pipeline = Pipeline([node(_identity, "x", "y", name="n")], tags="train_z")
    (tmp_path / "conf" / "base").mkdir(parents=True)
    (tmp_path / "conf" / "base" / "mlflow.yml").write_text("mlflow:\n  bogus: 1\n")
    MlflowTrackingHook().after_pipeline_run({"project_path": str(tmp_path)}, pipeline, None)
    assert "MLflow tracking skipped" in caplog.text


def test_a_node_that_reads_the_registry_gets_the_runs_tracking_config() -> None:
    run_params = {"project_path": str(PROJECT_ROOT), "env": "test"}
    reads = Pipeline([node(_identity, TRACKING_CONFIG, "out", name="r")], tags="score")
    catalog = DataCatalog()
    MlflowTrackingHook().before_pipeline_run(run_params, reads, catalog)
    assert catalog.load(TRACKING_CONFIG) == load_tracking_config(PROJECT_ROOT, "test")
    # a run without such a node gets nothing (mlflow.yml is not even read)
    plain, catalog = Pipeline([node(_identity, "x", "y", name="p")], tags="f"), DataCatalog()
    MlflowTrackingHook().before_pipeline_run(run_params, plain, catalog)
    assert TRACKING_CONFIG not in catalog
