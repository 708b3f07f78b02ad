"""Forecast errors in original units; MAPE skips (and counts) near-zero actuals."""

from __future__ import annotations

import numpy as np
import pandas as pd


def forecast_metrics(actual: np.ndarray, forecast: np.ndarray, eps: float = 1e-6) -> dict:
    """RMSE, MAE, MAPE (%) over all points; MAPE leaves out ``|actual| <= eps``."""
    actual, forecast = np.asarray(actual, float).ravel(), np.asarray(forecast, float).ravel()
    error = forecast - actual
    keep = np.abs(actual) > eps
    mape = float(np.mean(np.abs(error[keep] / actual[keep])) * 100) if keep.any() else None
    return {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
        "mape": mape,
        "mape_excluded_points": int((~keep).sum()),
        "n": int(actual.size),
    }


def leaderboard(metrics: dict[str, dict], reference: str = "persistence") -> pd.DataFrame:
    """One row per model, best test RMSE first, with skill against the reference model."""
    rows = []
    ref = metrics.get(reference, {}).get("test", {}).get("rmse")
    for model, parts in metrics.items():
        test, val = parts.get("test", {}), parts.get("val", {})
        rows.append(
            {
                "model": model,
                "test_rmse": test.get("rmse"),
                "test_mae": test.get("mae"),
                "test_mape": test.get("mape"),
                "val_rmse": val.get("rmse"),
                "rmse_vs_persistence": test["rmse"] / ref if ref else None,
            }
        )
    board = pd.DataFrame(rows).sort_values("test_rmse", kind="stable").reset_index(drop=True)
    board.insert(0, "rank", np.arange(1, len(board) + 1))
    return board.round(4)
