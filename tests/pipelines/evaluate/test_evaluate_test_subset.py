"""evaluate's fixed test subset: subset-scored models (BERT on CPU) are scored on it only and
every model reports its accuracy on the same reviews (issue 13, item 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic_text_models import raw_reviews, save_model, tokens_of

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.evaluation.subset import stratified_subset
from mlops_pipeline.models.bert import BertTextModel
from mlops_pipeline.pipelines.evaluate import nodes

PARAMS = {"latency_reviews": 2, "throughput_reviews": 5, "throughput_seconds": 15,"curve_points": 20, "top_features": 3,
          "test_subset": {"size": 20}}  # fmt: skip


def test_stratified_subset_is_fixed_balanced_and_order_free() -> None:
    rows = pd.DataFrame({"review_id": [f"r{i:03d}" for i in range(200)],
                         "label": [int(i % 4 == 0) for i in range(200)]})  # fmt: skip
    a = stratified_subset(rows, 40, 42)
    b = stratified_subset(rows.sample(frac=1.0, random_state=3), 40, 42)
    assert a["review_id"].tolist() == b["review_id"].tolist()
    assert len(a) == 40 and a["label"].sum() == 10  # 25 % positive, as in rows
    assert a["review_id"].is_monotonic_increasing
    assert stratified_subset(rows, 40, 43)["review_id"].tolist() != a["review_id"].tolist()
    assert len(stratified_subset(rows, None, 42)) == 200 == len(stratified_subset(rows, 999, 42))


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    reviews = raw_reviews(120)
    preprocessed = reviews[["review_id", "fold", "label"]].copy()
    preprocessed["tokens"] = tokens_of(reviews["text"].tolist())
    preprocessed["text_light"] = reviews["text"]
    return nodes.prepare_test_rows(reviews, preprocessed)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("models")
    save_model(root / "train_classical", "logreg", "tfidf")
    reviews = raw_reviews(120)
    fit = reviews[reviews["fold"] == "fit"]
    bert = BertTextModel(
        {},
        {"model_name_or_path": "random:tiny", "device": "cpu", "cpu_threads": 1,
         "show_progress": False, "encoding": {"max_length": 32},
         "training": {"epochs": 1, "batch_size": 8, "learning_rate": 1e-2}},
        model_id="bert__tiny",
    )  # fmt: skip
    bert.fit(fit["text"].tolist(), fit["label"].astype(int).to_numpy())
    bert.save(root / "train_bert" / "bert__tiny")
    return nodes.merge_model_sets(
        TextModelsDataset(str(root / "train_classical")).load(),
        TextModelsDataset(str(root / "train_bert")).load(),
    )


def test_subset_scored_models_see_only_the_subset_and_all_report_it(test_rows, models) -> None:
    subset = nodes.select_test_subset(test_rows, PARAMS, 42)
    assert subset == nodes.select_test_subset(test_rows, PARAMS, 42) and len(subset) == 20
    assert set(subset) <= set(test_rows["review_id"])
    predictions, cards = nodes.predict_test(test_rows, models, subset)
    per_model = predictions.groupby("model_id")["review_id"].apply(set)
    assert per_model["bert__tiny"] == set(subset)
    assert per_model["logreg__tfidf"] == set(test_rows["review_id"])
    scores = nodes.score_predictions(predictions, test_rows, subset)
    assert scores["bert__tiny"]["rows"] == 20 and scores["logreg__tfidf"]["rows"] == len(test_rows)
    assert scores["bert__tiny"]["subset_accuracy"] == scores["bert__tiny"]["accuracy"]
    logreg = predictions[predictions["model_id"] == "logreg__tfidf"].set_index("review_id")
    labels = test_rows.set_index("review_id").loc[subset, "label"].to_numpy()
    expected = np.mean((logreg.loc[subset, "proba"].to_numpy() >= 0.5) == (labels == 1))
    assert scores["logreg__tfidf"]["subset_accuracy"] == round(float(expected), 5)
    assert scores["logreg__tfidf"]["subset_rows"] == 20
    headline = nodes.evaluation_metrics(scores)
    assert set(headline["bert__tiny"]) == {"accuracy", "f1", "roc_auc", "subset_accuracy"}
    timings = nodes.measure_speed(test_rows, models, PARAMS, 0)
    board, markdown = nodes.leaderboard(scores, timings, cards)
    assert board["subset_accuracy"].is_monotonic_decreasing
    assert dict(zip(board["model_id"], board["test_rows"], strict=True)) == {
        "bert__tiny": 20, "logreg__tfidf": len(test_rows),
    }  # fmt: skip
    assert "20-review test subset" in markdown
