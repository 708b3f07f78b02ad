"""``SEQ_LEN``: the window length every model uses, chosen by the ridge AR on validation."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .models import select_seq_len

logger = logging.getLogger(__name__)


def choice_table(
    candidates: dict[str, int], scores: dict[int, float], unit: float
) -> dict[str, dict[str, Any]]:
    """Each named candidate with its length and validation RMSE in the target's units."""
    return {
        name: {"seq_len": length, "val_rmse": round(float(scores[length] * unit), 6)}
        for name, length in candidates.items()
    }


def choice_reason(candidates: dict[str, int], table: dict[str, dict], seq_len: int) -> str:
    """Why ``seq_len`` was kept: fixed by the user, or the lowest validation RMSE."""
    if "fixed" in candidates:
        return "fixed by timeseries.window.seq_len"
    chosen = [name for name, row in table.items() if row["seq_len"] == seq_len]
    return (
        f"lowest ridge AR validation RMSE among {len(set(candidates.values()))} lengths "
        f"({', '.join(chosen)})"
    )


def choose_on_validation(
    values: np.ndarray,
    bounds: dict[str, tuple[int, int]],
    candidates: dict[str, int],
    alphas: list[float],
    horizon: int,
    target_col: int,
    unit: float,
) -> tuple[int, str, dict[str, dict[str, Any]]]:
    """The candidate length with the lowest ridge AR validation RMSE (ties: the shorter).

    ``values`` are the scaled features; only the train and val ``bounds`` are read.
    Returns the length, the reason and the table of candidates.
    """
    scores = select_seq_len(values, bounds, candidates, alphas, horizon, target_col)
    seq_len = min(scores, key=lambda length: (scores[length], length))
    table = choice_table(candidates, scores, unit)
    reason = choice_reason(candidates, table, seq_len)
    logger.info("SEQ_LEN = %d (%s); val RMSE by candidate: %s", seq_len, reason, table)
    return seq_len, reason, table
