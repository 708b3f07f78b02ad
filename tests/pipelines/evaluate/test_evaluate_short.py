"""evaluate's one-sentence column: every model scored on the first sentence of each test review
(subset-scored models on the subset's sentences), in metrics.json and the leaderboard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_text_models import raw_reviews, save_model, tokens_of

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.pipelines.evaluate import nodes

PARAMS = {
    "latency_reviews": 2,
    "throughput_reviews": 5,
    "throughput_seconds": 15,
    "test_subset": {"size": 10},
}


@pytest.fixture(scope="module")
def test_rows() -> pd.DataFrame:
    reviews = raw_reviews(80)
    preprocessed = reviews[["review_id", "fold", "label"]].copy()
    preprocessed["tokens"] = tokens_of(reviews["text"].tolist())
    preprocessed["text_light"] = reviews["text"].str.replace("<br />", " ", regex=False)
    return nodes.prepare_test_rows(reviews, preprocessed)


def test_short_rows_scores_metrics_and_leaderboard(tmp_path: Path, test_rows: pd.DataFrame) -> None:
    save_model(tmp_path / "train_classical", "logreg", "tfidf")
    models = nodes.merge_model_sets(TextModelsDataset(str(tmp_path / "train_classical")).load())
    short = nodes.prepare_short_rows(test_rows)
    assert short["review_id"].tolist() == test_rows["review_id"].tolist()
    assert (short["text"].str.len() <= test_rows["text_light"].str.len()).all()
    assert (short["label"] == test_rows["label"]).all()
    predictions = nodes.predict_short(short, models, None)
    model = models["logreg__tfidf"].load()
    np.testing.assert_allclose(predictions["proba"], model.predict_proba(list(short["text"]))[:, 1])
    short_scores = nodes.score_short(predictions, short)
    expected = np.mean((predictions["proba"].to_numpy() >= 0.5) == (short["label"].to_numpy() == 1))
    assert short_scores["logreg__tfidf"] == {
        "short_accuracy": round(float(expected), 5),
        "short_rows": len(short),
    }
    test_predictions, cards = nodes.predict_test(test_rows, models)
    scores = nodes.score_predictions(test_predictions, test_rows)
    assert nodes.evaluation_metrics(scores, short_scores)["logreg__tfidf"][
        "short_accuracy"
    ] == round(float(expected), 5)
    timings = nodes.measure_speed(test_rows, models, PARAMS, 0)
    board, markdown = nodes.leaderboard(scores, timings, cards, short_scores)
    assert board.loc[0, "short_accuracy"] == round(float(expected), 5)
    assert "short_accuracy" in markdown and "first sentence" in markdown


class _SubsetHandle:
    """A handle whose card asks for subset scoring (as BERT on CPU)."""

    def __init__(self, handle) -> None:  # noqa: ANN001
        self.handle = handle

    def card(self):  # noqa: ANN201
        card = self.handle.card()
        card.extra["test_scoring"] = nodes.SUBSET_SCORING
        return card

    def load(self):  # noqa: ANN201
        return self.handle.load()


def test_subset_scored_models_get_the_subset_sentences_only(tmp_path: Path, test_rows) -> None:
    save_model(tmp_path / "train_classical", "logreg", "tfidf")
    handle = TextModelsDataset(str(tmp_path / "train_classical")).load()["logreg__tfidf"]
    short = nodes.prepare_short_rows(test_rows)
    subset = nodes.select_test_subset(test_rows, PARAMS, 42)
    predictions = nodes.predict_short(short, {"logreg__tfidf": _SubsetHandle(handle)}, subset)
    assert set(predictions["review_id"]) == set(subset) and len(predictions) == len(subset)
