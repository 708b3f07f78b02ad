"""train_classical: selection on val only, refit on fit + val, combinations from parameters."""

from __future__ import annotations

import functools
import inspect

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from kedro.io import DatasetError
from synthetic_text_models import PREPROCESS, fitted_vectorizer, raw_reviews, tokens_of

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.models import load_model
from mlops_pipeline.models.base import split_run_info
from mlops_pipeline.models.classical import make_estimator, select_on_val
from mlops_pipeline.pipelines.train_classical import create_pipeline
from mlops_pipeline.pipelines.train_classical.nodes import (
    classical_metrics,
    collect_models,
    combinations,
    train_representation,
    val_predictions,
)

PARAMS = {
    "models": [
        {"family": "logreg", "features": "tfidf"},
        {"family": "nbsvm", "features": "tfidf", "grid": {"C": [0.5]}},
        {"family": "mnb", "features": "bow"},
    ],
    "families": {
        "logreg": {"params": {"max_iter": 200}, "grid": {"C": [0.01, 1.0, 100.0]}},
        "nbsvm": {"params": {"alpha": 1.0}, "grid": {"C": [1.0]}},
        "mnb": {"grid": {"alpha": [1.0]}},
    },
}


@functools.lru_cache(maxsize=1)
def _cached_features(kind: str = "tfidf"):
    """What the features stage writes: matrices per fold (fit, val) and the rows table."""
    frame = raw_reviews(120)
    frame["tokens"] = tokens_of(frame["text"].tolist())
    train = frame[frame["fold"].isin(["fit", "val"])]
    vectorizer = fitted_vectorizer(kind, train["tokens"].tolist())
    mats = {
        f: vectorizer.transform(frame.loc[frame["fold"] == f, "tokens"]) for f in ("fit", "val")
    }
    rows = frame[["review_id", "fold", "label"]].copy()
    rows["row"] = rows.groupby("fold").cumcount()
    return frame, vectorizer, mats, rows


def _heads(models: dict) -> dict:
    return {mid: (m.head.coef.tolist(), m.head.intercept) for mid, m in models.items()}


def test_selection_picks_the_val_best_grid_point():
    rng = np.random.default_rng(0)
    x = sp.csr_matrix(rng.poisson(0.4, size=(200, 40)).astype(float))
    y = (np.asarray(x[:, :4].sum(axis=1)).ravel() + rng.normal(0, 0.7, 200) > 1.2).astype(int)
    grid = {"C": [0.001, 0.1, 10.0]}
    out = select_on_val(x[:120], y[:120], x[120:], y[120:], "logreg", {}, grid, seed=0)
    by_hand = []
    for c in grid["C"]:
        est = make_estimator("logreg", {"C": c}, seed=0).fit(x[:120], y[:120])
        by_hand.append((est.predict(x[120:]) == y[120:]).mean())
    assert [c["val_accuracy"] for c in out["candidates"]] == pytest.approx(by_hand, abs=1e-5)
    assert out["best_params"]["C"] == grid["C"][int(np.argmax(by_hand))]
    assert out["fit_rows"] == 120 and out["val_rows"] == 80


def test_test_fold_never_reaches_selection():
    # by construction: the selection function has no way to receive test rows ...
    assert list(inspect.signature(select_on_val).parameters)[:4] == [
        "x_fit",
        "y_fit",
        "x_val",
        "y_val",
    ]
    # ... and no node of the pipeline reads a test matrix
    inputs = create_pipeline().inputs()
    assert not [name for name in inputs if "test" in name]
    assert {"features_tfidf_fit", "features_tfidf_val"} <= inputs


def test_saved_model_was_refit_on_fit_plus_val_with_the_val_best_params(tmp_path):
    frame, vectorizer, mats, rows = _cached_features()
    models, report = train_representation(
        mats["fit"], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
    )
    assert sorted(models) == ["logreg__tfidf", "nbsvm__tfidf"]  # mnb runs on bow, not here
    n_fit, n_val = mats["fit"].shape[0], mats["val"].shape[0]
    r = report["logreg__tfidf"]
    best = max(r["candidates"], key=lambda c: c["val_accuracy"])
    assert r["best_params"]["C"] == best["params"]["C"]
    assert r["fit_rows"] == n_fit and r["train_rows"] == n_fit + n_val
    TextModelsDataset(str(tmp_path)).save(models)
    loaded = load_model(tmp_path / "logreg__tfidf")
    assert loaded.card.train_rows == n_fit + n_val
    assert loaded.card.params["C"] == r["best_params"]["C"]
    # the saved model answers raw text
    test_texts = frame.loc[frame["fold"] == "test", "text"].tolist()
    assert loaded.predict_proba(test_texts).shape == (len(test_texts), 2)


def test_rows_table_must_match_matrix_rows():
    _, vectorizer, mats, rows = _cached_features()
    with pytest.raises(ValueError, match="fit"):
        train_representation(
            mats["fit"][:-1], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
        )


def test_combinations_come_from_the_parameter_list():
    assert [c["model_id"] for c in combinations(PARAMS, "bow")] == ["mnb__bow"]
    spec = combinations(PARAMS, "tfidf")[1]
    assert spec["grid"] == {"C": [0.5]} and spec["params"] == {"alpha": 1.0}  # override wins
    assert combinations(PARAMS, "word2vec_mean") == []
    with pytest.raises(ValueError, match="unknown family"):
        combinations({"models": [{"family": "xgb", "features": "bow"}]}, "bow")


def test_collect_headline_metrics_and_val_predictions():
    _, vectorizer, mats, rows = _cached_features()
    models, report = train_representation(
        mats["fit"], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
    )
    all_models, details, reports = collect_models(models, report, {}, {})
    assert sorted(all_models) == sorted(details) == ["logreg__tfidf", "nbsvm__tfidf"]
    metrics = classical_metrics(reports)
    assert set(metrics["logreg__tfidf"]) == {"val_accuracy", "val_roc_auc"}
    assert "seconds" not in str(metrics)  # wall times live in node_timings.json only
    preds = val_predictions(reports)
    val_ids = rows.loc[rows["fold"] == "val"].sort_values("row")["review_id"].tolist()
    assert list(preds.columns) == ["review_id", "model_id", "proba"]
    assert preds.loc[preds["model_id"] == "logreg__tfidf", "review_id"].tolist() == val_ids
    # the card's val_metrics is the score of these predictions (model trained on fit only)
    card = all_models["logreg__tfidf"].card
    labels = rows.set_index("review_id").loc[val_ids, "label"].to_numpy()
    proba = preds.loc[preds["model_id"] == "logreg__tfidf", "proba"].to_numpy()
    assert card.val_metrics["accuracy"] == pytest.approx(
        ((proba >= 0.5) == labels).mean(), abs=1e-5
    )
    assert card.val_metrics["rows"] == len(val_ids)


def test_poisoned_test_rows_change_nothing():
    """Test labels sit in the rows table the node receives: flipping them changes nothing."""
    _, vectorizer, mats, rows = _cached_features()
    clean_models, clean_report = train_representation(
        mats["fit"], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
    )
    poisoned = rows.copy()
    test = poisoned["fold"] == "test"
    assert test.any()
    poisoned.loc[test, "label"] = 1 - poisoned.loc[test, "label"]
    dirty_models, dirty_report = train_representation(
        mats["fit"], mats["val"], poisoned, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
    )
    assert _heads(dirty_models) == _heads(clean_models)
    for mid in clean_report:
        assert dirty_report[mid]["best_params"] == clean_report[mid]["best_params"]
        # wall times aside (per-run), every candidate scores the same
        assert (
            split_run_info(dirty_report[mid]["candidates"])[0]
            == (split_run_info(clean_report[mid]["candidates"])[0])
        )


def test_models_dataset_removes_stale_folders_and_fails_when_absent(tmp_path):
    _, vectorizer, mats, rows = _cached_features()
    models, _ = train_representation(
        mats["fit"], mats["val"], rows, vectorizer, PREPROCESS, PARAMS, 0, "tfidf"
    )
    with pytest.raises(DatasetError, match="no model folder"):
        TextModelsDataset(str(tmp_path / "absent")).load()
    dataset = TextModelsDataset(str(tmp_path / "m"))
    dataset.save(models)
    assert sorted(dataset.load()) == ["logreg__tfidf", "nbsvm__tfidf"]
    dataset.save({"logreg__tfidf": models["logreg__tfidf"]})
    assert sorted(dataset.load()) == ["logreg__tfidf"]
    assert pd.read_json(tmp_path / "m" / "index.json", typ="series")["models"] == ["logreg__tfidf"]
