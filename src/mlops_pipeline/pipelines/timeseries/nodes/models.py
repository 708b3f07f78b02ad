"""Model nodes of ``timeseries``: persistence, seasonal naive, ridge AR and the LSTM.

Every model forecasts the same val and test windows. Thread counts, device and deterministic
mode come from ``params:timeseries.compute``.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from mlops_pipeline.timeseries import lstm as tslstm
from mlops_pipeline.timeseries import models
from mlops_pipeline.timeseries.frames import (
    EVAL_PARTS,
    PART,
    actual,
    forecast_frame,
    horizon_of,
    target_values,
)
from mlops_pipeline.timeseries.lstm_select import (
    DEVICE_PARAMETER,
    model_architecture,
    model_card,
    predict_state,
    run_info,
)
from mlops_pipeline.timeseries.metrics import forecast_metrics
from mlops_pipeline.timeseries.prep import Scaler, Windows
from mlops_pipeline.torch_runtime import select_device, torch_compute

logger = logging.getLogger(__name__)


def forecast_persistence(
    split: pd.DataFrame, windows: dict[str, Windows], target: str
) -> pd.DataFrame:
    """``y[t+k] = y[t-1]`` on the val and test windows."""
    y, horizon = target_values(split, target), horizon_of(windows)
    forecasts = {p: models.persistence(y, windows[p].target_index, horizon) for p in EVAL_PARTS}
    return forecast_frame(split, target, windows, "persistence", forecasts)


def forecast_seasonal_naive(
    split: pd.DataFrame, windows: dict[str, Windows], target: str, baselines: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The value one season earlier; skipped (empty, with the reason) when history is short."""
    period, horizon = baselines.get("seasonal_period"), horizon_of(windows)
    reason = models.seasonal_skip_reason(period, int(split[PART].eq("train").sum()), horizon)
    if reason:
        logger.warning("Seasonal naive skipped: %s", reason)
        return forecast_frame(split, target, windows, "seasonal_naive", {}), {"skipped": reason}
    y = target_values(split, target)
    forecasts = {
        p: models.seasonal_naive(y, windows[p].target_index, int(period), horizon)
        for p in EVAL_PARTS
    }
    frame = forecast_frame(split, target, windows, "seasonal_naive", forecasts)
    return frame, {"skipped": None}


def fit_ridge_ar(
    windows: dict[str, Windows],
    window: dict[str, Any],
    scaler: dict[str, Any],
    baselines: dict[str, Any],
    compute: dict[str, Any],
) -> dict[str, Any]:
    """Ridge autoregression on the lagged windows; ``alpha`` chosen on validation."""
    with models.blas_threads(compute["blas_threads"]):
        state = models.fit_ridge_ar(windows["train"], windows["val"], baselines["ridge_alphas"])
    return {**state, "seq_len": window["seq_len"], "features": scaler["columns"]}


def forecast_ridge_ar(
    ridge: dict[str, Any],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> pd.DataFrame:
    """Val and test forecasts of the saved ridge state, in the target's units."""
    inverse = Scaler.from_dict(scaler).inverse_column
    with models.blas_threads(compute["blas_threads"]):
        forecasts = {
            p: inverse(models.predict_ridge(ridge, windows[p]), target) for p in EVAL_PARTS
        }
    return forecast_frame(split, target, windows, "ridge_ar", forecasts)


def train_lstm_candidates(
    windows: dict[str, Windows], lstm: dict[str, Any], compute: dict[str, Any], seed: int
) -> dict[str, dict[str, Any]]:
    """Each architecture of ``lstm.candidates`` trained on train, early-stopped on val."""
    device = select_device(compute["device"], parameter=DEVICE_PARAMETER)
    shared = {k: v for k, v in lstm.items() if k in tslstm.DEFAULTS}
    candidates = {}
    with torch_compute(compute["torch_threads"], compute["deterministic"]):
        for name, overrides in (lstm.get("candidates") or {"lstm": {}}).items():
            config = {**tslstm.DEFAULTS, **shared, **(overrides or {})}
            model, info = tslstm.train_lstm(windows["train"], windows["val"], config, seed, device)
            state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            candidates[name] = {"config": config, "state": state, "info": info}
    return candidates


def select_lstm(
    candidates: dict[str, dict[str, Any]],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
    seed: int,
) -> tuple[dict, dict[str, Any], dict[str, Any], pd.DataFrame]:
    """The candidate with the lowest validation RMSE: its weights, card, run info and history.

    Test is never looked at here; only the chosen model is scored on it later.
    """
    val = windows["val"]
    val_rmse = {
        name: forecast_metrics(
            actual(split, target, val),
            predict_state(
                c["state"], model_architecture(c["config"], windows), val, scaler, target, compute
            ),
        )["rmse"]
        for name, c in candidates.items()
    }
    chosen = min(val_rmse, key=val_rmse.get)
    logger.info("LSTM candidate %r chosen on validation RMSE %s", chosen, val_rmse)
    best = candidates[chosen]
    card = model_card(chosen, best, windows, scaler, target, compute, seed, val_rmse)
    return best["state"], card, run_info(candidates), pd.DataFrame(best["info"]["history"])


def forecast_lstm(
    weights: dict,
    card: dict[str, Any],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> pd.DataFrame:
    """Val and test forecasts of the saved LSTM weights, in the target's units."""
    forecasts = {
        p: predict_state(weights, card["architecture"], windows[p], scaler, target, compute)
        for p in EVAL_PARTS
    }
    return forecast_frame(split, target, windows, "lstm", forecasts)
