"""Split-conformal prediction intervals: widths from validation residuals, coverage on test."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .frames import PART


def conformal_halfwidth(residuals: np.ndarray, coverage: float) -> float:
    """The ``ceil((n + 1) coverage) / n`` empirical quantile of ``|residuals|``.

    With exchangeable errors, ``forecast +- halfwidth`` covers a new point with probability at
    least ``coverage`` (split conformal prediction).
    """
    scores = np.sort(np.abs(np.asarray(residuals, float)))
    n = scores.size
    rank = math.ceil((n + 1) * coverage)
    return float(scores[min(rank, n) - 1])


def interval_bounds(forecasts: pd.DataFrame, coverage: float) -> pd.DataFrame:
    """``lower``/``upper`` columns per model and step, widths fitted on the val rows only."""
    val = forecasts[forecasts[PART].eq("val")]
    width = {
        key: conformal_halfwidth(rows["actual"] - rows["forecast"], coverage)
        for key, rows in val.groupby(["model", "step"])
    }
    half = np.array([width[key] for key in zip(forecasts["model"], forecasts["step"], strict=True)])
    return forecasts.assign(lower=forecasts["forecast"] - half, upper=forecasts["forecast"] + half)


def coverage_report(bounded: pd.DataFrame, coverage: float) -> dict[str, dict[str, Any]]:
    """Per model: interval half-width per step, test coverage and its binomial 95 % interval.

    ``nominal_inside`` is the target: the Wilson 95 % interval of the observed test coverage
    contains the nominal coverage.
    """
    test = bounded[bounded[PART].eq("test")]
    out = {}
    for model, rows in test.groupby("model", sort=False):
        inside = (rows["actual"] >= rows["lower"]) & (rows["actual"] <= rows["upper"])
        low, high = proportion_confint(int(inside.sum()), len(inside), 0.05, method="wilson")
        halfwidth = ((rows["upper"] - rows["lower"]) / 2).groupby(rows["step"]).first()
        out[model] = {
            "nominal": coverage,
            "test_coverage": round(float(inside.mean()), 4),
            "ci95": [round(float(low), 4), round(float(high), 4)],
            "nominal_inside": bool(low <= coverage <= high),
            "halfwidth_by_step": [round(float(v), 6) for v in halfwidth],
        }
    return out
