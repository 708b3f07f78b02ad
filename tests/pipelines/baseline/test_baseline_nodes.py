"""Baseline: C chosen on val, refit on fit + val, test scored once and never seen before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from synthetic_text_models import raw_reviews

from mlops_pipeline.pipelines.baseline import nodes
from mlops_pipeline.pipelines.baseline.pipeline import create_pipeline

PARAMS = {
    "tfidf": {"ngram_range": [1, 2], "min_df": 1, "max_df": 1.0, "sublinear_tf": True},
    "c_grid": [0.001, 1.0, 10.0],
    "max_iter": 200,
}


@pytest.fixture
def reviews() -> pd.DataFrame:
    frame = raw_reviews(160)
    frame.loc[frame.index[:4], "text"] = "Fine <br /><br /> film"
    return frame


class KeptDataset(MemoryDataset):
    """A MemoryDataset the runner does not release after its last consumer (for assertions)."""

    def _release(self) -> None:
        pass


def run_baseline(reviews: pd.DataFrame) -> dict:
    catalog = DataCatalog(
        {
            "reviews": MemoryDataset(reviews),
            "params:baseline": MemoryDataset(PARAMS),
            "params:common.seed": MemoryDataset(0),
            "baseline_selection": KeptDataset(),
            "baseline_model": KeptDataset(copy_mode="assign"),
            "baseline_metrics": MemoryDataset(),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    return {name: catalog.load(name) for name in ("baseline_selection", "baseline_model")} | {
        "baseline_metrics": catalog.load("baseline_metrics")
    }


def test_minimal_clean_drops_html_and_unlabelled(reviews) -> None:
    unlabelled = pd.DataFrame([{"review_id": "u1", "fold": "unsup", "label": None, "text": "x"}])
    cleaned = nodes.minimal_clean(pd.concat([reviews, unlabelled], ignore_index=True))
    assert not cleaned["text"].str.contains("<br").any()
    assert set(cleaned["fold"]) == {"fit", "val", "test"}


def test_selection_picks_the_val_best_c(reviews) -> None:
    fit, val, _ = nodes.split_folds(nodes.minimal_clean(reviews))
    x_fit, x_val = nodes.vectorize_for_selection(fit, val, PARAMS)
    selection = nodes.select_c_on_val(x_fit, x_val, fit, val, PARAMS, seed=0)
    scores = {float(c): s for c, s in selection["val_accuracy_by_C"].items()}
    assert set(scores) == set(PARAMS["c_grid"])
    assert selection["val_accuracy"] == max(scores.values())
    assert scores[selection["best_C"]] == max(scores.values())


def test_full_run_scores_test_once_with_headline_metrics(reviews) -> None:
    out = run_baseline(reviews)
    metrics = out["baseline_metrics"]
    n_test = int((reviews["fold"] == "test").sum())
    assert metrics["test"]["rows"] == n_test
    assert metrics["test"]["accuracy"] > 0.7  # sentiment words make the synthetic data learnable
    assert metrics["train_rows"] == int(reviews["fold"].isin(["fit", "val"]).sum())
    assert not any("seconds" in key for key in metrics)


def test_poisoned_test_fold_changes_neither_selection_nor_model(reviews) -> None:
    clean = run_baseline(reviews)
    poisoned = reviews.copy()
    test = poisoned["fold"] == "test"
    poisoned.loc[test, "label"] = 1 - poisoned.loc[test, "label"]
    poisoned.loc[test, "text"] = "zzz unseen poison words " + poisoned.loc[test, "text"].str[::-1]
    dirty = run_baseline(poisoned)
    assert dirty["baseline_selection"] == clean["baseline_selection"]
    a, b = clean["baseline_model"], dirty["baseline_model"]
    assert a.named_steps["tfidf"].vocabulary_ == b.named_steps["tfidf"].vocabulary_
    np.testing.assert_array_equal(a.named_steps["lr"].coef_, b.named_steps["lr"].coef_)
    # ... while the test score does see the poison (the check is not vacuous)
    assert dirty["baseline_metrics"]["test"] != clean["baseline_metrics"]["test"]
