"""Baseline: C chosen on val, refit on fit + val, test scored once."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest

from mlops_pipeline.imdb_archive import read_aclimdb
from mlops_pipeline.pipelines.baseline import nodes
from mlops_pipeline.pipelines.ingest.nodes import build_reviews_table

PARAMS = {
    "tfidf": {"ngram_range": [1, 2], "min_df": 1, "max_df": 1.0, "sublinear_tf": True},
    "c_grid": [0.001, 1.0, 10.0],
    "max_iter": 200,
}


@pytest.fixture
def folds(imdb_archive: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    table, _ = build_reviews_table(
        read_aclimdb(imdb_archive, show_progress=False), {"val_share": 0.25}, 0
    )
    return nodes.split_folds(nodes.minimal_clean(table))


def test_minimal_clean_drops_html_and_unlabelled(folds) -> None:
    fit, val, test = folds
    everything = pd.concat([fit, val, test])
    assert not everything["text"].str.contains("<br").any()
    assert set(everything["fold"]) == {"fit", "val", "test"}


def test_selection_picks_the_val_best_c(folds) -> None:
    fit, val, _ = folds
    selection = nodes.select_c_on_val(fit, val, PARAMS, seed=0)
    scores = {float(c): s for c, s in selection["val_accuracy_by_C"].items()}
    assert set(scores) == set(PARAMS["c_grid"])
    assert selection["val_accuracy"] == max(scores.values())
    assert scores[selection["best_C"]] == max(scores.values())


def test_selection_never_receives_test() -> None:
    # by construction: the selection node's inputs are fit and val only
    assert list(inspect.signature(nodes.select_c_on_val).parameters) == [
        "fit",
        "val",
        "params",
        "seed",
    ]


def test_refit_uses_fit_plus_val_and_scores_test_once(folds) -> None:
    fit, val, test = folds
    selection = nodes.select_c_on_val(fit, val, PARAMS, seed=0)
    model, info = nodes.refit_on_fit_val(fit, val, selection, PARAMS, seed=0)
    assert info["train_rows"] == len(fit) + len(val)
    metrics, timings = nodes.score_on_test(model, test, selection, info)
    assert metrics["test"]["rows"] == len(test)
    assert metrics["test"]["accuracy"] > 0.8  # sentiment words make the synthetic data learnable
    assert set(metrics["test"]) >= {"accuracy", "precision", "recall", "f1", "roc_auc"}
    assert "refit_seconds" not in metrics and "refit_seconds" in timings
