"""Rolling-origin evaluation over the test period: K consecutive folds, mean +- spread."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .data import TIME
from .frames import PART
from .metrics import forecast_metrics


def fold_labels(origins: pd.Series, folds: int) -> pd.Series:
    """Fold ``1..folds`` of each row: the test windows' origins cut into equal time blocks."""
    order = pd.Index(np.sort(origins.unique()))
    blocks = np.array_split(np.arange(len(order)), folds)
    fold_of = {order[i]: k + 1 for k, block in enumerate(blocks) for i in block}
    return origins.map(fold_of)


def rolling_origin(forecasts: pd.DataFrame, folds: int) -> dict[str, dict[str, Any]]:
    """Per model: RMSE and MAE on each test fold, their mean and standard deviation.

    Parameters stay as fitted on train (no refit); every forecast uses the data up to its
    origin, so fold ``k`` is what the model would have scored had it been deployed then.
    """
    test = forecasts[forecasts[PART].eq("test")].copy()
    origin = test[TIME].where(test["step"].eq(1)).ffill()
    test["fold"] = fold_labels(origin, folds)
    out = {}
    for model, rows in test.groupby("model", sort=False):
        per_fold = [forecast_metrics(g["actual"], g["forecast"]) for _, g in rows.groupby("fold")]
        rmse = np.array([m["rmse"] for m in per_fold])
        mae = np.array([m["mae"] for m in per_fold])
        out[model] = {
            "rmse_by_fold": [round(float(v), 6) for v in rmse],
            "rmse_mean": round(float(rmse.mean()), 6),
            "rmse_sd": round(float(rmse.std(ddof=1)) if rmse.size > 1 else 0.0, 6),
            "mae_mean": round(float(mae.mean()), 6),
            "mae_sd": round(float(mae.std(ddof=1)) if mae.size > 1 else 0.0, 6),
        }
    return out
