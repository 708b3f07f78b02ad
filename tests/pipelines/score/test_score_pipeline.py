"""Pipeline ``score`` on a user file: predictions, rejects and a drift report per batch."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from synthetic_text_models import fitted_embedder, raw_reviews, save_model, tokens_of
from synthetic_tokens import PROJECT_ROOT, project_config

from mlops_pipeline.datasets import BatchFilesDataset, ReviewsFileDataset, TextModelsDataset
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.pipelines.score import create_pipeline
from mlops_pipeline.tracking.config import TrackingConfig, sqlite_uri


def _catalog(tmp_path, batch_file, params_override=None):
    reviews = raw_reviews(200)
    tokens = tokens_of(reviews["text"].tolist())
    root = tmp_path / "models"
    folder = save_model(root, "logreg", "tfidf")
    card = json.loads((folder / "model_card.json").read_text())
    card["val_metrics"] = {"accuracy": 0.9, "roc_auc": 0.9, "rows": 10}
    (folder / "model_card.json").write_text(json.dumps(card))
    val = reviews[reviews["fold"] == "val"]
    rng = np.random.default_rng(0)
    val_preds = pd.DataFrame(
        {"review_id": val["review_id"], "model_id": folder.name, "proba": rng.random(len(val))}
    )
    params = project_config("test")["parameters"]
    score_params = {**params["score"], "input": str(batch_file), **(params_override or {})}
    catalog = DataCatalog()
    feeds = {
        "train_classical_models": TextModelsDataset(str(root)).load(),
        "train_classical_val_predictions": val_preds,
        "reviews": reviews,
        "reviews_preprocessed": pd.DataFrame({"review_id": reviews["review_id"], "tokens": tokens}),
        "embeddings_word2vec_embedder": fitted_embedder(tokens),
        "params:score": score_params,
        "params:drift": params["drift"],
        "params:common.seed": params["common"]["seed"],
        # no registry store: score serves select_champion's model
        "tracking_config": TrackingConfig(
            tracking_uri=sqlite_uri(tmp_path / "no-store"),
            artifact_location=(tmp_path / "no-store" / "artifacts").as_uri(),
            experiment="score-test",
            registered_model="sentiment-classifier",
        ),
    }
    for name, value in feeds.items():
        catalog[name] = MemoryDataset(value, copy_mode="assign")
    catalog["score_input"] = ReviewsFileDataset(str(batch_file))
    catalog["score_rejects"] = BatchFilesDataset(str(tmp_path / "out" / "07"))
    catalog["score_predictions"] = BatchFilesDataset(str(tmp_path / "out" / "07"))
    catalog["score_reports"] = BatchFilesDataset(str(tmp_path / "out" / "08"))
    return catalog, reviews


def _run(catalog):
    SequentialRunner().run(create_pipeline(model_inputs=["train_classical_models"]), catalog)


def test_mixed_batch_writes_predictions_rejects_and_report(tmp_path):
    good = raw_reviews(60, seed=5)
    batch = pd.DataFrame(
        {
            "id": [f"n{i}" for i in range(60)] + ["n0", "bad1", "bad2"],
            "text": good["text"].tolist() + ["dup id", "   ", "x" * 5000],
            "label": good["label"].tolist() + [1, 0, 1],
        }
    )
    path = tmp_path / "new batch.csv"
    ReviewsFileDataset(str(path)).save(batch)
    catalog, _ = _run_and_load(tmp_path, path)
    out = BatchFilesDataset(str(tmp_path / "out" / "07")).load()["new_batch"]
    preds, rejects = out["predictions.parquet"], out["rejects.parquet"]
    assert len(preds) + len(rejects) == len(batch)
    assert preds["id"].tolist() == [f"n{i}" for i in range(60)]
    assert rejects["reason"].tolist() == ["duplicate_id", "empty_text", "too_long"]
    assert preds["probability"].between(0, 1).all()
    assert set(preds["label"]) <= {0, 1}
    reports = BatchFilesDataset(str(tmp_path / "out" / "08")).load()["new_batch"]
    assert set(reports) == {
        "summary.json",
        "drift_report.html",
        "evidently.json",
        "drift_summary.json",
    }
    summary = reports["summary.json"]
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (63, 60, 3)
    assert reports["drift_summary.json"]["quality"]["current"]["rows"] == 60

    # same input again: the same predictions (scored_at aside)
    _run_and_load(tmp_path, path)
    again = BatchFilesDataset(str(tmp_path / "out" / "07")).load()["new_batch"]
    pd.testing.assert_frame_equal(
        preds.drop(columns="scored_at"), again["predictions.parquet"].drop(columns="scored_at")
    )


def _run_and_load(tmp_path, path, **override):
    catalog, reviews = _catalog(tmp_path, path, override or None)
    _run(catalog)
    return catalog, reviews


def test_missing_text_column_names_the_columns(tmp_path):
    path = tmp_path / "wrong.jsonl"
    ReviewsFileDataset(str(path)).save(pd.DataFrame({"id": ["1"], "body": ["hello"]}))
    catalog, _ = _catalog(tmp_path, path)
    with pytest.raises(
        UserInputError, match=r"missing column\(s\) \['text'\]; found columns \['id', 'body'\]"
    ):
        _run(catalog)


def test_too_many_rejects_fail_after_writing_the_rejects(tmp_path):
    path = tmp_path / "mostly_bad.parquet"
    frame = pd.DataFrame({"id": ["1", "2", "3"], "text": ["fine review", "", None]})
    ReviewsFileDataset(str(path)).save(frame)
    catalog, _ = _catalog(tmp_path, path)
    with pytest.raises(UserInputError, match="2 of 3 rows rejected"):
        _run(catalog)
    rejects = BatchFilesDataset(str(tmp_path / "out" / "07")).load()["mostly_bad"]
    assert rejects["rejects.parquet"]["reason"].tolist() == ["empty_text", "missing_text"]


def test_catalog_default_input_equals_the_parameter():
    catalog = yaml.safe_load((PROJECT_ROOT / "conf/base/catalog_score.yml").read_text())
    params = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_score.yml").read_text())
    default = catalog["score_input"]["filepath"].split(",", 1)[1].strip().rstrip("}")
    assert default == params["score"]["input"]
