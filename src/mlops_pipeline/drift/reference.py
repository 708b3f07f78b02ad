"""The two sides of a drift check, built the same way for every caller.

The ``drift`` stage, ``score``, the retrain gate and the Airflow gate all compare a batch with
the training reviews (folds ``drift.reference_folds``) through these functions, so each
caller's reference is the same rows with the same tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)


def _folds(reviews: pd.DataFrame, preprocessed: pd.DataFrame, folds: Sequence[str]) -> pd.DataFrame:
    """``review_id, label, text, tokens`` of ``folds``, sorted by ``review_id`` (stable input
    to the seeded sampling)."""
    rows = reviews.loc[reviews["fold"].isin(list(folds)), ["review_id", "label", "text"]]
    rows = rows.merge(
        preprocessed[["review_id", "tokens"]], on="review_id", how="left", validate="one_to_one"
    )
    return rows.sort_values("review_id", kind="stable").reset_index(drop=True)


def split_sides(
    reviews: pd.DataFrame, preprocessed: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(reference, current)`` rows: ``review_id, label, text, tokens`` of the configured
    folds (``reference_folds``, ``current_folds``), sorted by ``review_id``."""
    reference = _folds(reviews, preprocessed, params["reference_folds"])
    current = _folds(reviews, preprocessed, params.get("current_folds", []))
    logger.info("drift: reference %d rows, current %d rows", len(reference), len(current))
    return reference, current


def reference_side(
    reviews: pd.DataFrame, preprocessed: pd.DataFrame, params: dict[str, Any]
) -> pd.DataFrame:
    """The reference rows of :func:`split_sides` alone (``score`` brings its own batch)."""
    return _folds(reviews, preprocessed, params["reference_folds"])


def frequent_vocabulary(embedder: Any, size: int) -> list[str]:
    """The ``size`` most frequent words of the embedder's training vocabulary (its keys are in
    gensim's frequency order). A word that frequent is in it whether or not any one review was
    in the training set, so ``oov_share`` is not biased low on the reviews it was fit on."""
    return list(embedder.keys[: int(size)])
