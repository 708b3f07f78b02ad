"""Reviews table and fold assignment of ``ingest``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.imdb_archive import read_aclimdb
from mlops_pipeline.pipelines.ingest.nodes import COLUMNS, assign_folds, build_reviews_table


@pytest.fixture
def raw(imdb_archive: Path) -> pd.DataFrame:
    return read_aclimdb(imdb_archive, show_progress=False)


def test_table_has_the_design_columns_and_ids(raw: pd.DataFrame) -> None:
    table, report = build_reviews_table(raw, {"val_share": 0.2}, seed=1)
    assert list(table.columns) == COLUMNS
    assert table["review_id"].is_unique
    assert {"train_pos_0", "test_neg_1", "unsup_2"} <= set(table["review_id"])
    unsup = table[table["split"] == "unsup"]
    assert unsup["label"].isna().all() and unsup["rating"].isna().all()
    assert set(unsup["fold"]) == {"unsup"}
    assert set(table.loc[table["split"] == "test", "fold"]) == {"test"}
    assert set(table.loc[table["split"] == "train", "fold"]) == {"fit", "val"}
    assert report["empty_reviews"] == 1
    assert report["rows"] == len(table)
    assert report["movies_in_fit_and_val"] == 0


def test_no_movie_on_both_sides_and_stratified() -> None:
    rng = np.random.default_rng(0)
    movies = pd.Series([f"tt{i // 5}" for i in range(2000)])
    labels = pd.Series(rng.integers(0, 2, size=2000))
    folds = assign_folds(labels, movies, val_share=0.2, seed=3)
    fit, val = set(movies[folds == "fit"]), set(movies[folds == "val"])
    assert not fit & val
    assert 0.17 < (folds == "val").mean() < 0.23
    assert abs(labels[folds == "val"].mean() - labels[folds == "fit"].mean()) < 0.05


def test_fold_assignment_is_deterministic_under_the_seed() -> None:
    movies = pd.Series([f"tt{i // 3}" for i in range(600)])
    labels = pd.Series([i % 2 for i in range(600)])
    first = assign_folds(labels, movies, 0.2, seed=7)
    assert (first == assign_folds(labels, movies, 0.2, seed=7)).all()
    assert (first != assign_folds(labels, movies, 0.2, seed=8)).any()


def test_invalid_val_share_is_rejected() -> None:
    with pytest.raises(ValueError, match="val_share"):
        assign_folds(pd.Series([0, 1]), pd.Series(["a", "b"]), 1.5, seed=0)
