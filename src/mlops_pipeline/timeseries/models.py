"""Naive baselines and the ridge autoregression, all on the same windows as the LSTM."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sklearn.linear_model import Ridge
from threadpoolctl import threadpool_limits

from .prep import Windows, make_windows

logger = logging.getLogger(__name__)


@contextmanager
def blas_threads(threads: int = 1) -> Iterator[None]:
    """Run with a fixed number of BLAS/OpenMP threads (a split sum adds in another order)."""
    with threadpool_limits(limits=max(1, int(threads))):
        yield


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
    """Window inputs as float64 lag features: ``(n, seq_len * n_features)``.

    float64 on purpose: the lags of a smooth series are nearly collinear, and a float32 solve
    moved the test RMSE in the 5th digit between CPUs (OpenBLAS picks its kernels per CPU).
    """
    return windows.inputs.reshape(len(windows), -1).astype(np.float64)


def fit_ridge_ar(train: Windows, val: Windows, alphas: list[float]) -> dict[str, Any]:
    """Ridge regression on the lagged window inputs; ``alpha`` chosen by validation RMSE.

    Returns the fitted model as a JSON-safe state (:func:`predict_ridge` reads it), so the
    saved ``model.json`` is the model that produced the forecasts.
    """
    scores = ridge_val_rmse(train, val, alphas)
    best = min(scores, key=scores.get)
    logger.info("Ridge AR: alpha=%g chosen on validation (scaled RMSE %s)", best, scores)
    state = _state(Ridge(alpha=best).fit(flatten(train), train.targets.astype(np.float64)))
    return {"alpha": best, "val_rmse_scaled_by_alpha": scores, **state}


def ridge_val_rmse(train: Windows, val: Windows, alphas: list[float]) -> dict[float, float]:
    """Validation RMSE (scaled units) of a ridge fitted on ``train``, for each ``alpha``."""
    x_train, y_train = flatten(train), train.targets.astype(np.float64)
    scores = {}
    for alpha in alphas:
        state = _state(Ridge(alpha=float(alpha)).fit(x_train, y_train))
        residual = predict_ridge(state, val) - val.targets  # both (n, horizon)
        scores[float(alpha)] = float(np.sqrt(np.mean(residual**2)))
    return scores


def select_seq_len(
    values: np.ndarray,
    bounds: dict[str, tuple[int, int]],
    candidates: dict[str, int],
    alphas: list[float],
    horizon: int = 1,
    target_col: int = 0,
) -> dict[int, float]:
    """Validation RMSE (scaled units, best alpha) of the ridge AR for each candidate length.

    Each length gets its own train and val windows; the val targets are the same rows for
    every length (inputs reach back into train), so the scores compare like with like. The
    test part is never read. The caller keeps the lowest score (ties: the shorter window).
    """
    scores = {}
    for length in sorted(set(candidates.values())):
        train = make_windows(values, bounds["train"], length, horizon, target_col)
        val = make_windows(values, bounds["val"], length, horizon, target_col)
        if not len(train) or not len(val):
            raise ValueError(f"window length {length}: no train or val windows")
        scores[length] = min(ridge_val_rmse(train, val, alphas).values())
    return scores


def predict_ridge(state: dict[str, Any], windows: Windows) -> np.ndarray:
    """Scaled forecasts, shape ``(n, horizon)``, from a state of :func:`fit_ridge_ar`."""
    coef = np.asarray(state["coef"], dtype=np.float64)  # (horizon, seq_len * n_features)
    intercept = np.asarray(state["intercept"], dtype=np.float64)
    return flatten(windows) @ coef.T + intercept


def _state(model: Ridge) -> dict[str, Any]:
    """Coefficients at full precision (JSON floats round-trip exactly)."""
    return {
        "coef": np.atleast_2d(model.coef_).tolist(),
        "intercept": np.atleast_1d(model.intercept_).tolist(),
    }
