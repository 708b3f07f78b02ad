"""Pipeline ``drift`` end to end on synthetic reviews and a tiny saved model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from synthetic_text_models import (
    fitted_embedder,
    raw_reviews,
    save_model,
    tokens_of,
)
from synthetic_tokens import project_config

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.drift import SUMMARY_KEYS
from mlops_pipeline.models.discovery import MODEL_INPUTS, champion_inputs
from mlops_pipeline.pipelines.drift import create_pipeline


def _add_val_metrics(folder, accuracy):
    card_path = folder / "model_card.json"
    card = json.loads(card_path.read_text())
    card["val_metrics"] = {"accuracy": accuracy, "roc_auc": 0.9, "rows": 10}
    card_path.write_text(json.dumps(card))


def test_champion_inputs_follow_evaluate():
    inputs = champion_inputs()
    assert set(MODEL_INPUTS) <= set(inputs)
    assert {m.replace("_models", "_val_predictions") for m in MODEL_INPUTS} <= set(inputs)
    assert set(inputs) <= create_pipeline().inputs()


def test_drift_pipeline_writes_report_and_summary(tmp_path):
    reviews = raw_reviews(240)
    tokens = tokens_of(reviews["text"].tolist())
    preprocessed = pd.DataFrame({"review_id": reviews["review_id"], "tokens": tokens})
    root = tmp_path / "models"
    _add_val_metrics(save_model(root, "logreg", "tfidf"), 0.9)
    _add_val_metrics(save_model(root, "logreg", "bow"), 0.8)
    models = TextModelsDataset(str(root)).load()
    val = reviews[reviews["fold"] == "val"]
    rng = np.random.default_rng(0)
    val_preds = pd.concat(
        [
            pd.DataFrame(
                {"review_id": val["review_id"], "model_id": mid, "proba": rng.random(len(val))}
            )
            for mid in models
        ]
    )
    params = project_config("test")["parameters"]
    catalog = DataCatalog()
    feeds = {
        "train_classical_models": models,
        "train_classical_val_predictions": val_preds,
        "reviews": reviews,
        "reviews_preprocessed": preprocessed,
        "embeddings_word2vec_embedder": fitted_embedder(tokens),
        "params:drift": params["drift"],
        "params:common.seed": params["common"]["seed"],
    }
    for name, value in feeds.items():
        catalog[name] = MemoryDataset(value, copy_mode="assign")
    outputs = ["drift_report_html", "drift_report_json", "drift_summary", "drift_metrics"]
    for name in outputs + ["drift_champion_info"]:
        catalog[name] = MemoryDataset()
    pipeline = create_pipeline(model_inputs=["train_classical_models"])
    SequentialRunner().run(pipeline, catalog)

    summary = catalog.load("drift_summary")
    assert tuple(summary)[: len(SUMMARY_KEYS)] == SUMMARY_KEYS
    assert summary["champion"]["model_id"] == "logreg__tfidf"
    assert summary["champion"]["source"] == "train_classical_models"
    assert summary["rows"]["reference"] == int(reviews["fold"].isin(["fit", "val"]).sum())
    assert "text" in summary["signals"] and "prediction" in summary["signals"]
    assert summary["quality"]["current"]["rows"] == int((reviews["fold"] == "test").sum())
    page = catalog.load("drift_report_html")
    assert "<html" in page[:2000].lower()
    verdict = "Drift detected" if summary["drift_detected"] else "Drift not detected"
    body = page.split("<body", 1)[1].split(">", 1)[1].lstrip()
    assert body.startswith("<section id='drift-verdict'")  # the verdict comes first
    assert verdict in body[: body.index("</section>")]
    assert "metrics" in catalog.load("drift_report_json")
    metrics = catalog.load("drift_metrics")
    assert set(metrics) >= {"drift_detected", "drifted_share", "text_score"}
    json.dumps(summary)
