"""Metrics against scikit-learn on a hand-made prediction set; curves; the leaderboard."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from mlops_pipeline.evaluation import (
    LEADERBOARD_COLUMNS,
    build_leaderboard,
    classification_metrics,
    confusion_rows,
    pr_points,
    roc_points,
)

Y = np.array([1, 1, 1, 0, 0, 0, 1, 0, 1, 0])
P = np.array([0.9, 0.8, 0.4, 0.3, 0.6, 0.1, 0.55, 0.45, 0.7, 0.2])


def test_metrics_match_scikit_learn_on_a_hand_made_set():
    m = classification_metrics(Y, P)
    pred = (P >= 0.5).astype(int)  # 1 1 0 0 1 0 1 0 1 0 -> tp 4, fn 1, fp 1, tn 4
    assert (m["tp"], m["fn"], m["fp"], m["tn"]) == (4, 1, 1, 4)
    assert m["accuracy"] == pytest.approx(0.8)
    assert m["precision"] == pytest.approx(skm.precision_score(Y, pred), abs=1e-5)
    assert m["recall"] == pytest.approx(skm.recall_score(Y, pred), abs=1e-5)
    assert m["f1"] == pytest.approx(skm.f1_score(Y, pred), abs=1e-5)
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(Y, P), abs=1e-5)
    assert m["log_loss"] == pytest.approx(skm.log_loss(Y, P), abs=1e-5)
    assert m["rows"] == 10


def test_curves_are_thinned_but_keep_their_end_points():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 5000)
    p = np.clip(y * 0.3 + rng.random(5000) * 0.7, 0, 1)
    roc = roc_points("m", y, p, max_points=50)
    assert len(roc) <= 50 and set(roc.columns) == {"model_id", "fpr", "tpr"}
    assert (roc["fpr"].iloc[0], roc["tpr"].iloc[0]) == (0.0, 0.0)
    assert (roc["fpr"].iloc[-1], roc["tpr"].iloc[-1]) == (1.0, 1.0)
    assert roc["fpr"].is_monotonic_increasing
    pr = pr_points("m", y, p, max_points=50)
    assert len(pr) <= 50 and pr["recall"].iloc[-1] == 0.0


def test_confusion_rows_carry_the_counts():
    rows = confusion_rows("m", classification_metrics(Y, P))
    assert {(r["actual"], r["predicted"]): r["count"] for r in rows} == {
        ("neg", "neg"): 4,
        ("neg", "pos"): 1,
        ("pos", "neg"): 1,
        ("pos", "pos"): 4,
    }


def test_leaderboard_has_one_row_per_model_sorted_by_accuracy():
    metrics = {
        "a": {"accuracy": 0.8, "f1": 0.8, "roc_auc": 0.9},
        "b": {"accuracy": 0.9, "f1": 0.9, "roc_auc": 0.95},
        "c": {"accuracy": 0.85, "f1": 0.84, "roc_auc": 0.93},
    }
    cards = {k: {"family": "logreg", "features": "tfidf", "train_rows": 10, "device": "cpu",
                 "train_seconds": 1.5, "size_bytes": 2_000_000} for k in metrics}  # fmt: skip
    timings = {k: {"latency_ms_median": 1.0, "throughput_reviews_per_s": 100.0} for k in metrics}
    board = build_leaderboard(metrics, timings, cards)
    assert list(board.columns) == list(LEADERBOARD_COLUMNS)
    assert board["model_id"].tolist() == ["b", "c", "a"]
    assert board["rank"].tolist() == [1, 2, 3] and board["size_mb"].iloc[0] == 2.0
    assert board["val_accuracy"].isna().all()  # cards without val_metrics: left empty
