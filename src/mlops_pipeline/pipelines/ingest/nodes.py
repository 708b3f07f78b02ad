"""Nodes of ``ingest``: build the reviews table of DESIGN.md and its report."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

logger = logging.getLogger(__name__)

COLUMNS = ["review_id", "split", "fold", "label", "rating", "movie_id", "text"]


def assign_folds(labels: pd.Series, groups: pd.Series, val_share: float, seed: int) -> np.ndarray:
    """Label-stratified, movie-grouped split of train rows into ``fit`` / ``val``.

    IMDb has up to 30 reviews per movie, so grouping by ``movie_id`` keeps a movie from sitting
    on both sides. ``StratifiedGroupKFold`` with ``round(1 / val_share)`` folds; the first
    held-out fold is ``val``.
    """
    if not 0.0 < val_share < 1.0:
        raise ValueError(f"ingest.val_share must be in (0, 1), got {val_share}")
    n_splits = max(2, round(1.0 / val_share))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    _, val_idx = next(splitter.split(np.zeros(len(labels)), labels.to_numpy(), groups.to_numpy()))
    folds = np.full(len(labels), "fit", dtype=object)
    folds[val_idx] = "val"
    return folds


def _quotas(sizes: list[int], total: int) -> list[int]:
    """``total`` rows shared among strata in proportion to ``sizes`` (largest remainder; ties go
    to the earlier stratum), never more than a stratum holds."""
    exact = [total * size / sum(sizes) for size in sizes]
    quotas = [int(x) for x in exact]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - quotas[i]), i))
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return [min(q, size) for q, size in zip(quotas, sizes, strict=True)]


def sample_reviews(table: pd.DataFrame, rows_per_split: int, seed: int) -> pd.DataFrame:
    """A seeded slice of the reviews table: ``rows_per_split`` rows of each split (all of a
    smaller split), drawn within each (fold, label) stratum in proportion to its size.

    It runs after :func:`assign_folds` on the whole archive, so every sampled review keeps the
    fold it has in a full run: label balance and the val share carry over, and no movie sits on
    both sides of fit / val. Rows keep the table's order.
    """
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for split in sorted(table["split"].unique()):
        rows = table[table["split"] == split]
        if len(rows) <= rows_per_split:
            keep.append(rows.index.to_numpy())
            continue
        label = rows["label"].astype("float").fillna(-1.0)
        strata = sorted(rows.groupby([rows["fold"], label]).groups.items())
        quotas = _quotas([len(index) for _, index in strata], rows_per_split)
        for (_, index), quota in zip(strata, quotas, strict=True):
            keep.append(rng.choice(np.sort(index.to_numpy()), size=quota, replace=False))
    kept = table.loc[np.sort(np.concatenate(keep))].reset_index(drop=True)
    logger.info(
        "ingest.sample: %d of %d reviews (%d per split, seed %d)",
        len(kept),
        len(table),
        rows_per_split,
        seed,
    )
    return kept


def reviews_from_raw(frame: pd.DataFrame) -> pd.DataFrame:
    """The reviews table's columns from sorted raw archive rows (every train row in ``fit``
    until :func:`assign_folds` moves some to ``val``)."""
    is_unsup = frame["folder"].eq("unsup")
    review_id = np.where(
        is_unsup,
        "unsup_" + frame["file_id"].astype(str),
        frame["split"] + "_" + frame["folder"] + "_" + frame["file_id"].astype(str),
    )
    return pd.DataFrame(
        {
            "review_id": review_id,
            "split": np.where(is_unsup, "unsup", frame["split"]),
            "fold": np.where(is_unsup, "unsup", frame["split"]),
            "label": frame["folder"].map({"pos": 1, "neg": 0}).astype("Int8"),
            "rating": frame["rating"].where(~is_unsup).astype("Int8"),
            "movie_id": frame["movie_id"].astype(str),
            "text": frame["text"],
        }
    )


def build_reviews_table(
    raw: pd.DataFrame, params: dict[str, Any], seed: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Turn raw archive rows into the reviews table (DESIGN.md "Reviews table").

    With ``params["sample"]`` set, only a seeded, label-stratified slice of each split is kept
    (:func:`sample_reviews`, after the folds are assigned on the whole archive; ``--env quick``).
    Also returns the decoding counts of the raw files (``reviews_with_replaced_bytes``,
    ``replaced_characters``), which the table itself does not carry, for the report.
    """
    frame = raw.sort_values(["split", "folder", "file_id"], kind="stable").reset_index(drop=True)
    table = reviews_from_raw(frame)
    train = table["split"].eq("train")
    table.loc[train, "fold"] = assign_folds(
        table.loc[train, "label"], table.loc[train, "movie_id"], params["val_share"], seed
    )
    sample = params.get("sample")
    if sample:
        sample_seed = seed if sample.get("seed") is None else sample["seed"]
        table = sample_reviews(table, sample["rows_per_split"], sample_seed)
    decoding = {
        "reviews_with_replaced_bytes": int((frame["decode_errors"] > 0).sum()),
        "replaced_characters": int(frame["decode_errors"].sum()),
    }
    logger.info("Ingested %d reviews: %s", len(table), table["fold"].value_counts().to_dict())
    return table[COLUMNS], decoding


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().sort_index().items()}


def report_ingest(
    reviews: pd.DataFrame, decoding: dict[str, int]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Headline counts (rows per fold / split, empty reviews, replaced bytes) and details."""
    empty = int(reviews["text"].str.strip().eq("").sum())
    metrics = {
        "rows": int(len(reviews)),
        "rows_per_fold": _counts(reviews["fold"]),
        "rows_per_split": _counts(reviews["split"]),
        "empty_reviews": empty,
        "replaced_characters": decoding["replaced_characters"],
    }
    fit_movies = set(reviews.loc[reviews["fold"] == "fit", "movie_id"])
    val_movies = set(reviews.loc[reviews["fold"] == "val", "movie_id"])
    labelled = reviews[reviews["label"].notna()]
    details = {
        **metrics,
        "reviews_with_replaced_bytes": decoding["reviews_with_replaced_bytes"],
        "positive_share_per_fold": {
            str(k): round(float(v), 4)
            for k, v in labelled.groupby("fold")["label"].mean().sort_index().items()
        },
        "movies_per_fold": {
            str(k): int(v) for k, v in reviews.groupby("fold")["movie_id"].nunique().items()
        },
        "movies_in_fit_and_val": len(fit_movies & val_movies),
    }
    logger.info(
        "ingest: %d reviews, %d empty, %d undecodable bytes replaced",
        metrics["rows"],
        empty,
        metrics["replaced_characters"],
    )
    return metrics, details
