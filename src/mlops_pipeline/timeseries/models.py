"""Naive baselines and the ridge autoregression, all on the same windows as the LSTM."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from sklearn.linear_model import Ridge

from .prep import Windows

logger = logging.getLogger(__name__)


def persistence(y: np.ndarray, target_index: np.ndarray, horizon: int = 1) -> np.ndarray:
    """``y[t+k] = y[t-1]`` for every step ``k`` of the horizon (original units)."""
    last = np.asarray(y, float)[np.asarray(target_index) - 1]
    return np.repeat(last[:, None], horizon, axis=1)


def seasonal_naive(
    y: np.ndarray, target_index: np.ndarray, period: int, horizon: int = 1
) -> np.ndarray:
    """``y[t+k] = y[t+k-period]``: the value one season earlier (needs ``period >= horizon``)."""
    if period < horizon:
        raise ValueError(f"seasonal period {period} shorter than the horizon {horizon}")
    index = np.asarray(target_index)[:, None] + np.arange(horizon)[None, :] - period
    if index.min(initial=0) < 0:
        raise ValueError("a window has less than one season of history")
    return np.asarray(y, float)[index]


def seasonal_skip_reason(period: int | None, history: int, horizon: int) -> str | None:
    """Why the seasonal naive model cannot run here, or ``None`` when it can."""
    if not period:
        return "no seasonal_period configured"
    if period < horizon:
        return f"seasonal_period {period} < horizon {horizon}"
    if history < period:
        return f"history before validation ({history} rows) shorter than the period ({period})"
    return None


def flatten(windows: Windows) -> np.ndarray:
    """Window inputs as lag features: ``(n, seq_len * n_features)``."""
    return windows.inputs.reshape(len(windows), -1)


def fit_ridge_ar(train: Windows, val: Windows, alphas: list[float]) -> tuple[Ridge, dict[str, Any]]:
    """Ridge regression on the lagged window inputs; ``alpha`` chosen by validation RMSE."""
    x_train = flatten(train)
    scores = {}
    for alpha in alphas:
        model = Ridge(alpha=float(alpha)).fit(x_train, train.targets)
        residual = predict_ridge(model, val) - val.targets  # both (n, horizon)
        scores[float(alpha)] = float(np.sqrt(np.mean(residual**2)))
    best = min(scores, key=scores.get)
    logger.info("Ridge AR: alpha=%g chosen on validation (scaled RMSE %s)", best, scores)
    model = Ridge(alpha=best).fit(x_train, train.targets)
    return model, {"alpha": best, "val_rmse_scaled_by_alpha": scores}


def predict_ridge(model: Ridge, windows: Windows) -> np.ndarray:
    """Scaled forecasts, shape ``(n, horizon)``."""
    return np.asarray(model.predict(flatten(windows))).reshape(len(windows), -1)


def ridge_state(model: Ridge, info: dict[str, Any], seq_len: int, columns: list[str]) -> dict:
    """A JSON-safe description of the fitted ridge (coefficients per lag and feature)."""
    return {
        **info,
        "seq_len": seq_len,
        "features": columns,
        "coef": np.atleast_2d(model.coef_).round(8).tolist(),
        "intercept": np.atleast_1d(model.intercept_).round(8).tolist(),
    }
