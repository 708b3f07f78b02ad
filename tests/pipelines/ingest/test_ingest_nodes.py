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
    sample_reviews,
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
    names = {n.name for n in pipeline.nodes}
    assert names == {"ingest.build_reviews_table", "ingest.report_ingest"}
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


def _synthetic_table(seed: int = 0) -> pd.DataFrame:
    """A reviews table shaped like the archive's: train (fit/val by movie), test, unsup."""
    rng = np.random.default_rng(seed)
    rows = []
    for split, n in (("train", 1200), ("test", 1000), ("unsup", 900)):
        for i in range(n):
            label = None if split == "unsup" else int(rng.random() < (0.3 if i % 2 else 0.7))
            rows.append((f"{split}_{i}", split, split, label, f"tt{split}{i // 6}", f"review {i}"))
    table = pd.DataFrame(rows, columns=["review_id", "split", "fold", "label", "movie_id", "text"])
    table["label"] = table["label"].astype("Int8")
    train = table["split"] == "train"
    table.loc[train, "fold"] = assign_folds(
        table.loc[train, "label"], table.loc[train, "movie_id"], 0.2, seed=1
    )
    return table


def test_sample_is_seeded_stratified_and_keeps_folds_and_movie_groups() -> None:
    table = _synthetic_table()
    sample = sample_reviews(table, rows_per_split=300, seed=5)
    assert sample["split"].value_counts().to_dict() == {"train": 300, "test": 300, "unsup": 300}
    assert sample["review_id"].is_unique and set(sample["review_id"]) <= set(table["review_id"])
    # every sampled review keeps its fold; the strata (fold x label) keep their shares
    folds = table.set_index("review_id")["fold"]
    assert (sample.set_index("review_id")["fold"] == folds[sample["review_id"]]).all()
    for split in ("train", "test"):
        full = (
            table[table["split"] == split].groupby(["fold", "label"]).size()
            / (table["split"] == split).sum()
        )
        part = sample[sample["split"] == split].groupby(["fold", "label"]).size()
        assert (part - full * 300).abs().max() <= 1, (split, part, full * 300)
    # no movie on both sides of fit / val
    fit = set(sample.loc[sample["fold"] == "fit", "movie_id"])
    assert fit and not fit & set(sample.loc[sample["fold"] == "val", "movie_id"])
    # rows keep the table's order; the same seed draws the same rows, another seed others
    assert sample["review_id"].tolist() == [
        r for r in table["review_id"] if r in set(sample["review_id"])
    ]
    pd.testing.assert_frame_equal(sample, sample_reviews(table, 300, seed=5))
    assert set(sample["review_id"]) != set(sample_reviews(table, 300, seed=6)["review_id"])


def test_sample_keeps_a_smaller_split_whole_and_is_off_by_default(raw: pd.DataFrame) -> None:
    table = _synthetic_table()
    sample = sample_reviews(table, rows_per_split=1000, seed=0)
    assert sample["split"].value_counts().to_dict() == {"train": 1000, "test": 1000, "unsup": 900}
    full, _ = build_reviews_table(raw, {"val_share": 0.2, "sample": None}, seed=1)
    small, _ = build_reviews_table(
        raw, {"val_share": 0.2, "sample": {"rows_per_split": 10, "seed": None}}, seed=1
    )
    assert len(small) < len(full)
    assert small["split"].value_counts().max() <= 10
    kept = full.set_index("review_id").loc[small["review_id"], "fold"]
    assert (kept.to_numpy() == small["fold"].to_numpy()).all()  # same folds as the full table
    explicit = {"val_share": 0.2, "sample": {"rows_per_split": 10, "seed": 1}}
    pd.testing.assert_frame_equal(
        small, build_reviews_table(raw, explicit, seed=1)[0]
    )  # null: common.seed
