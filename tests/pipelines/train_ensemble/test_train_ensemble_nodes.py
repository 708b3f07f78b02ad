"""train_ensemble: the combiner sees val rows only, reads members through the catalog, and its
val score is cross-fitted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic_text_models import raw_reviews, trained_model

from mlops_pipeline.datasets import TextModelsDataset
from mlops_pipeline.models import load_model
from mlops_pipeline.models.discovery import MODEL_INPUTS
from mlops_pipeline.models.ensemble import scores
from mlops_pipeline.pipelines.train_ensemble import create_pipeline
from mlops_pipeline.pipelines.train_ensemble.nodes import (
    build_ensemble,
    candidate_table,
    ensemble_metrics,
    route_short_inputs,
    select,
    train_texts,
    val_labels,
    val_predictions,
)
from mlops_pipeline.pipelines.train_ensemble.pipeline import member_pipelines

PARAMS = {
    "model_id": "ensemble",
    "candidates": None,
    "min_val_coverage": 0.5,
    "combiner": "logit_mean",
    "C": 1.0,
    "max_members": 3,
    "min_gain": 0.0,
    "selection_metric": "log_loss",
    "cv_folds": 3,
}
SPECS = [("logreg", "tfidf"), ("nbsvm", "tfidf"), ("mnb", "bow")]


def _reviews(n: int = 160) -> pd.DataFrame:
    frame = raw_reviews(n, noise=0.3)
    frame["movie_id"] = (np.arange(len(frame)) // 2).astype(str)
    return frame


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """Two member pipelines' outputs: saved models and their val predictions."""
    root = tmp_path_factory.mktemp("members")
    reviews = _reviews()
    val = reviews[reviews["fold"] == "val"]
    sets, tables = [], []
    for i, (family, rep) in enumerate(SPECS):
        model, _ = trained_model(family, rep, n=160)
        dataset = TextModelsDataset(str(root / f"p{i % 2}"))
        model.save(root / f"p{i % 2}" / model.model_id)
        sets.append(dataset)
        tables.append(
            pd.DataFrame(
                {
                    "review_id": val["review_id"],
                    "model_id": model.model_id,
                    "proba": model.predict_proba(val["text"].tolist())[:, 1],
                }
            )
        )
    handles = [
        TextModelsDataset(str(root / "p0")).load(),
        TextModelsDataset(str(root / "p1")).load(),
    ]
    return reviews, handles, tables


ROUTE = {
    "enabled": True,
    "candidates": ["mnb__bow", "logreg__tfidf"],
    "max_words_grid": [5, 20],
    "max_drop": 1.0,
}


def _run(reviews, handles, tables, params=PARAMS):
    labels = val_labels(reviews)
    table = candidate_table(labels, params, *tables)
    state = select(table, params, seed=0)
    state = route_short_inputs(train_texts(reviews), table, state, params, *handles)
    models, details = build_ensemble(table, state, params, *handles)
    return table, state, models, details


def test_poisoned_test_labels_and_texts_give_the_same_weights(members) -> None:
    reviews, handles, tables = members
    _, clean_state, clean_models, clean_details = _run(reviews, handles, tables)
    poisoned = reviews.copy()
    test = poisoned["fold"] == "test"
    assert test.any()
    poisoned.loc[test, "label"] = 1 - poisoned.loc[test, "label"]
    poisoned.loc[test, "text"] = "poison " * 20
    # a stray test row in a val predictions table is dropped too
    stray = tables[0].iloc[:1].assign(review_id=poisoned.loc[test, "review_id"].iloc[0], proba=0.0)
    dirty_tables = [pd.concat([tables[0], stray], ignore_index=True), *tables[1:]]
    _, dirty_state, dirty_models, dirty_details = _run(poisoned, handles, dirty_tables)
    assert dirty_details == clean_details
    assert dirty_models["ensemble"].combiner == clean_models["ensemble"].combiner
    assert dirty_state["val_review_id"] == clean_state["val_review_id"]


def test_val_metrics_are_the_cross_fitted_predictions_scores(members) -> None:
    reviews, handles, tables = members
    table, state, models, details = _run(reviews, handles, tables)
    preds = val_predictions(state, PARAMS)
    assert list(preds.columns) == ["review_id", "model_id", "proba"]
    assert set(preds["review_id"]) == set(reviews.loc[reviews["fold"] == "val", "review_id"])
    y = table.set_index("review_id").loc[preds["review_id"], "label"].to_numpy()
    expected = scores(y, preds["proba"].to_numpy())
    card = models["ensemble"].card
    assert card.val_metrics["accuracy"] == expected["accuracy"]
    assert card.val_metrics["rows"] == len(table)
    assert set(card.params["weights"]) == set(state["members"]) == set(details["weights"])
    metrics = ensemble_metrics(state)
    assert metrics["val_accuracy"] == card.val_metrics["accuracy"]
    assert "seconds" not in str(metrics)


def test_saved_ensemble_loads_alone_and_answers_raw_text(members, tmp_path) -> None:
    reviews, handles, tables = members
    _, _, models, _ = _run(reviews, handles, tables)
    TextModelsDataset(str(tmp_path)).save(models)
    loaded = load_model(tmp_path / "ensemble")
    texts = reviews.loc[reviews["fold"] == "test", "text"].tolist()
    np.testing.assert_array_equal(
        loaded.predict_proba(texts), models["ensemble"].predict_proba(texts)
    )


def test_candidates_and_coverage_come_from_parameters(members) -> None:
    reviews, _, tables = members
    labels = val_labels(reviews)
    only = candidate_table(labels, {**PARAMS, "candidates": ["mnb__bow"]}, *tables)
    assert [c for c in only.columns if "__" in c] == ["mnb__bow"]
    partial = tables[2].iloc[: len(tables[2]) // 4]  # a model scored on a quarter of val
    table = candidate_table(labels, PARAMS, tables[0], tables[1], partial)
    assert "mnb__bow" not in table.columns and len(table) == len(labels)
    with pytest.raises(ValueError, match="nosuch"):
        candidate_table(labels, {**PARAMS, "candidates": ["nosuch"]}, *tables)


def test_members_come_from_the_catalog_and_no_node_reads_test() -> None:
    assert member_pipelines() == [
        m.removesuffix("_models") for m in MODEL_INPUTS if m != "train_ensemble_models"
    ]
    inputs = create_pipeline().inputs()
    for p in member_pipelines():
        assert {f"{p}_models", f"{p}_val_predictions"} <= inputs
    assert not [name for name in inputs if "test" in name]


def test_train_texts_keep_fit_and_val_rows_only() -> None:
    reviews = _reviews()
    texts = train_texts(reviews)
    assert list(texts.columns) == ["review_id", "fold", "label", "text"]
    assert set(texts["fold"]) == {"fit", "val"}
    assert len(texts) == (reviews["fold"] != "test").sum()


def test_short_route_is_chosen_on_val_and_recorded(members, tmp_path) -> None:
    reviews, handles, tables = members
    params = {**PARAMS, "short_route": ROUTE}
    table, state, models, details = _run(reviews, handles, tables, params)
    study = state["short_route"]
    assert study["model_id"] in ROUTE["candidates"]
    assert set(study["candidates_val_one_sentence_accuracy"]) == set(ROUTE["candidates"])
    assert [r["max_words"] for r in study["grid"]] == [0, 5, 20]
    # max_drop 1.0: the best one-sentence accuracy wins; 20 words routes every synthetic review
    best = max(r["val_one_sentence_accuracy"] for r in study["grid"])
    assert study["chosen"]["val_one_sentence_accuracy"] == best
    card = models["ensemble"].card
    assert card.extra["short_route"] == study == details["short_route"]
    assert card.val_metrics == state["val_metrics"]
    if study["max_words"] == 20:  # every val review is routed: the route's own val predictions
        y = table["label"].to_numpy()
        assert (
            card.val_metrics["accuracy"]
            == scores(y, table[study["model_id"]].to_numpy())["accuracy"]
        )
    metrics = ensemble_metrics(state)
    assert metrics["val_one_sentence_accuracy"] == study["chosen"]["val_one_sentence_accuracy"]
    assert metrics["short_route_max_words"] == study["max_words"]
    TextModelsDataset(str(tmp_path)).save(models)
    loaded = load_model(tmp_path / "ensemble")
    assert loaded.short_route == models["ensemble"].short_route
    texts = reviews.loc[reviews["fold"] == "test", "text"].tolist()
    np.testing.assert_array_equal(
        loaded.predict_proba(texts), models["ensemble"].predict_proba(texts)
    )


def test_short_route_ignores_test_rows_and_can_be_off(members) -> None:
    reviews, handles, tables = members
    params = {**PARAMS, "short_route": ROUTE}
    _, clean, _, _ = _run(reviews, handles, tables, params)
    poisoned = reviews.copy()
    test = poisoned["fold"] == "test"
    poisoned.loc[test, "label"] = 1 - poisoned.loc[test, "label"]
    poisoned.loc[test, "text"] = "poison"
    _, dirty, _, _ = _run(poisoned, handles, tables, params)
    assert dirty["short_route"] == clean["short_route"]
    off = {**PARAMS, "short_route": {**ROUTE, "enabled": False}}
    _, state, models, _ = _run(reviews, handles, tables, off)
    assert state["short_route"] is None and models["ensemble"].short_route is None
    assert "val_one_sentence_accuracy" not in ensemble_metrics(state)
    with pytest.raises(ValueError, match="nosuch"):
        _run(
            reviews, handles, tables, {**PARAMS, "short_route": {**ROUTE, "candidates": ["nosuch"]}}
        )
