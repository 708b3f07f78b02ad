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


def build_reviews_table(
    raw: pd.DataFrame, params: dict[str, Any], seed: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Turn raw archive rows into the reviews table (DESIGN.md "Reviews table").

    Also returns the decoding counts of the raw files (``reviews_with_replaced_bytes``,
    ``replaced_characters``), which the table itself does not carry, for the report.
    """
    frame = raw.sort_values(["split", "folder", "file_id"], kind="stable").reset_index(drop=True)
    is_unsup = frame["folder"].eq("unsup")
    review_id = np.where(
        is_unsup,
        "unsup_" + frame["file_id"].astype(str),
        frame["split"] + "_" + frame["folder"] + "_" + frame["file_id"].astype(str),
    )
    table = pd.DataFrame(
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
    train = table["split"].eq("train")
    table.loc[train, "fold"] = assign_folds(
        table.loc[train, "label"], table.loc[train, "movie_id"], params["val_share"], seed
    )
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
