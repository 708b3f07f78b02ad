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
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Turn raw archive rows into the reviews table and an ingest report (counts only)."""
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
    report = _report(table, frame["decode_errors"])
    logger.info(
        "Ingested %d reviews: %s; %d empty; %d undecodable bytes replaced",
        len(table),
        report["rows_per_fold"],
        report["empty_reviews"],
        report["replaced_characters"],
    )
    return table[COLUMNS], report


def _report(table: pd.DataFrame, decode_errors: pd.Series) -> dict[str, Any]:
    fit_movies = set(table.loc[table["fold"] == "fit", "movie_id"])
    val_movies = set(table.loc[table["fold"] == "val", "movie_id"])
    labelled = table[table["label"].notna()]
    return {
        "rows": int(len(table)),
        "rows_per_split": {
            k: int(v) for k, v in table["split"].value_counts().sort_index().items()
        },
        "rows_per_fold": {k: int(v) for k, v in table["fold"].value_counts().sort_index().items()},
        "positive_share_per_fold": {
            k: round(float(v), 4)
            for k, v in labelled.groupby("fold")["label"].mean().sort_index().items()
        },
        "movies_in_fit_and_val": len(fit_movies & val_movies),
        "empty_reviews": int(table["text"].str.strip().eq("").sum()),
        "reviews_with_replaced_bytes": int((decode_errors > 0).sum()),
        "replaced_characters": int(decode_errors.sum()),
    }
