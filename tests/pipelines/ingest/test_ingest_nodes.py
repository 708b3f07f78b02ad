"""Reviews table and fold assignment of ``ingest``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.datasets.imdb_archive import read_aclimdb
from mlops_pipeline.pipelines.ingest import create_pipeline
from mlops_pipeline.pipelines.ingest.nodes import (
    COLUMNS,
    assign_folds,
    build_reviews_table,
    report_ingest,
)


@pytest.fixture
def raw(imdb_archive: Path) -> pd.DataFrame:
    return read_aclimdb(imdb_archive, show_progress=False)


def test_table_has_the_design_columns_and_ids(raw: pd.DataFrame) -> None:
    table, decoding = build_reviews_table(raw, {"val_share": 0.2}, seed=1)
    metrics, details = report_ingest(table, decoding)
    assert list(table.columns) == COLUMNS
    assert table["review_id"].is_unique
    assert {"train_pos_0", "test_neg_1", "unsup_2"} <= set(table["review_id"])
    unsup = table[table["split"] == "unsup"]
    assert unsup["label"].isna().all() and unsup["rating"].isna().all()
    assert set(unsup["fold"]) == {"unsup"}
    assert set(table.loc[table["split"] == "test", "fold"]) == {"test"}
    assert set(table.loc[table["split"] == "train", "fold"]) == {"fit", "val"}
    assert metrics["empty_reviews"] == 1
    assert metrics["rows"] == len(table) == sum(metrics["rows_per_fold"].values())
    assert set(metrics["rows_per_fold"]) == {"fit", "val", "test", "unsup"}
    assert metrics["rows_per_split"] == {
        k: int(v) for k, v in table["split"].value_counts().items()
    }
    assert metrics["replaced_characters"] == decoding["replaced_characters"]
    assert details["movies_in_fit_and_val"] == 0
    assert 0.0 <= details["positive_share_per_fold"]["val"] <= 1.0


def test_replaced_bytes_are_counted(raw: pd.DataFrame) -> None:
    raw = raw.copy()
    raw.loc[0, "decode_errors"] = 3
    table, decoding = build_reviews_table(raw, {"val_share": 0.2}, seed=1)
    assert decoding == {"reviews_with_replaced_bytes": 1, "replaced_characters": 3}
    assert report_ingest(table, decoding)[0]["replaced_characters"] == 3


def test_pipeline_is_tagged_and_reports_in_its_own_node() -> None:
    pipeline = create_pipeline()
    assert {n.name for n in pipeline.nodes} == {"build_reviews_table", "report_ingest"}
    assert all("ingest" in n.tags for n in pipeline.nodes)


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
