"""Statistical anchors from statsmodels: Holt-Winters exponential smoothing and seasonal ARIMA.

Both are fitted on the train part only (orders and components chosen on validation RMSE), then
run over the whole series with those parameters frozen, so each val/test forecast uses the
data up to its window's last step, exactly like the LSTM's windows. Forecasts ``k`` steps ahead
come from the fitted states (no refit on val or test).

Why statsmodels (0.15, already locked) and not statsforecast: statsforecast's AutoETS/AutoARIMA
are faster (numba) but would add a dependency; statsmodels exposes the filtered states that
multi-origin forecasts need. For seasons longer than ``native_max_period`` (weekly data with a
yearly season, daily, hourly), a seasonal ARIMA's state grows with the period and the fit gets
too slow: the season enters as Fourier terms (``fourier_pairs`` sine/cosine pairs) in a
regression with ARIMA errors instead.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product
from typing import Any

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.statespace.sarimax import SARIMAX
from statsmodels.tsa.stattools import adfuller

logger = logging.getLogger(__name__)


@contextmanager
def _quiet() -> Iterator[None]:
    """Convergence chatter of statsmodels off (the choice is by validation RMSE)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def origins_rows(target_index: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Last observed row of each window and the steps ``1..horizon``."""
    return np.asarray(target_index) - 1, np.arange(1, horizon + 1)


# --- exponential smoothing ---------------------------------------------------------------


def ets_configs(period: int | None, n_train: int) -> list[dict[str, Any]]:
    """Additive Holt-Winters variants: trend none/additive/damped, season when 2 fit in train."""
    seasons = [None, "add"] if period and n_train >= 2 * int(period) else [None]
    out = []
    for trend, seasonal in product([None, "add", "damped"], seasons):
        out.append({"trend": trend, "seasonal": seasonal, "period": period if seasonal else None})
    return out


def _ets_model(y: np.ndarray, config: dict[str, Any], init: dict | None = None):
    kwargs: dict[str, Any] = {
        "trend": "add" if config["trend"] else None,
        "damped_trend": config["trend"] == "damped",
        "seasonal": config["seasonal"],
        "seasonal_periods": config["period"],
    }
    if init is None:  # the heuristic start needs 10 rows (+ two half-seasons); else estimated
        need = 10 + (2 * (int(config["period"]) // 2) if config["seasonal"] else 0)
        method = "heuristic" if len(y) >= need else "estimated"
        return ExponentialSmoothing(y, initialization_method=method, **kwargs)
    known = {k: init[k] for k in ("initial_level", "initial_trend", "initial_seasonal") if init[k]}
    return ExponentialSmoothing(y, initialization_method="known", **kwargs, **known)


def fit_ets(y_train: np.ndarray, config: dict[str, Any]) -> dict[str, Any]:
    """Smoothing parameters and initial states fitted on ``y_train`` (JSON-safe)."""
    with _quiet():
        params = _ets_model(np.asarray(y_train, float), config).fit().params

    def number(key: str) -> float | None:
        value = params.get(key)
        return None if value is None or not np.isfinite(value) else float(value)

    seasonal = params.get("initial_seasons")
    return {
        "config": config,
        **{k: number(k) for k in ("smoothing_level", "smoothing_trend", "smoothing_seasonal")},
        "damping_trend": number("damping_trend") if config["trend"] == "damped" else None,
        "initial_level": number("initial_level"),
        "initial_trend": number("initial_trend") if config["trend"] else None,
        "initial_seasonal": [float(v) for v in seasonal] if config["seasonal"] else None,
    }


def ets_forecast(state: dict[str, Any], y: np.ndarray, target_index, horizon: int) -> np.ndarray:
    """``(n, horizon)`` forecasts from each window's last row, parameters frozen."""
    config = state["config"]
    fixed = {
        k: state[k]
        for k in ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
        if state[k] is not None
    }
    with _quiet():
        fit = _ets_model(np.asarray(y, float), config, state).fit(optimized=False, **fixed)
    level = np.asarray(fit.level, float)
    trend = np.asarray(fit.trend, float) if config["trend"] else np.zeros_like(level)
    origin, steps = origins_rows(target_index, horizon)
    phi = state["damping_trend"] if config["trend"] == "damped" else 1.0
    damp = np.cumsum(phi**steps)  # phi + ... + phi^k
    out = level[origin][:, None] + trend[origin][:, None] * damp[None, :]
    if config["seasonal"]:
        season, period = np.asarray(fit.season, float), int(config["period"])
        back = period * ((steps - 1) // period + 1)  # latest season value of that phase
        out += season[origin[:, None] + (steps - back)[None, :]]
    return out


# --- seasonal ARIMA ----------------------------------------------------------------------


def fourier_terms(n: int, period: int | None, pairs: int) -> np.ndarray | None:
    """``sin/cos(2 pi k t / period)`` for ``k = 1..pairs`` at rows ``t = 0..n-1``."""
    if not period or pairs < 1:
        return None
    t = np.arange(n, dtype=float)[:, None] * 2 * np.pi / float(period)
    k = np.arange(1, min(pairs, int(period) // 2) + 1, dtype=float)[None, :]
    return np.concatenate([np.sin(t * k), np.cos(t * k)], axis=1)


def differencing_order(y_train: np.ndarray, level: float = 0.05) -> int:
    """``d``: 0 when the augmented Dickey-Fuller test on train rejects a unit root, else 1."""
    try:
        with _quiet():
            p_value = adfuller(np.asarray(y_train, float), autolag="AIC")[1]
    except ValueError:  # too short for the test: difference, the safer assumption
        return 1
    return 0 if p_value < level else 1


def sarima_configs(sarima: dict[str, Any], period: int | None, d: int) -> list[dict[str, Any]]:
    """ARIMA ``(p, d, q)`` for each ``(p, q)`` of ``sarima.orders``; the season native
    (``period <= native_max_period``) or as ``sarima.fourier_pairs`` Fourier pairs (longer
    seasons: a native seasonal state grows with the period and the fit gets too slow)."""
    native = bool(period) and 1 < int(period) <= int(sarima.get("native_max_period", 12))
    out = []
    for p, q in sarima.get("orders", [[1, 1], [2, 1]]):
        out.append(
            {
                "order": [int(p), int(d), int(q)],
                "seasonal_order": [1, 0, 1, int(period)] if native else [0, 0, 0, 0],
                "fourier_period": None if native or not period else int(period),
                "fourier_pairs": 0 if native or not period else int(sarima.get("fourier_pairs", 3)),
                "trend": "c" if int(d) == 0 else "n",
                "maxiter": int(sarima.get("maxiter", 50)),
            }
        )
    return out


def _sarima_model(y: np.ndarray, config: dict[str, Any]) -> SARIMAX:
    exog = fourier_terms(len(y), config["fourier_period"], config["fourier_pairs"])
    return SARIMAX(
        y,
        exog=exog,
        order=tuple(config["order"]),
        seasonal_order=tuple(config["seasonal_order"]),
        trend=config["trend"],
    )


def fit_sarima(y_train: np.ndarray, config: dict[str, Any]) -> dict[str, Any]:
    """Parameters fitted on ``y_train`` by maximum likelihood (JSON-safe), with the AIC."""
    with _quiet():
        result = _sarima_model(np.asarray(y_train, float), config).fit(
            disp=False, maxiter=config.get("maxiter", 50)
        )
    return {
        "config": config,
        "params": [float(v) for v in result.params],
        "param_names": list(result.model.param_names),
        "aic": float(result.aic),
    }


def sarima_forecast(state: dict[str, Any], y: np.ndarray, target_index, horizon: int) -> np.ndarray:
    """``(n, horizon)`` forecasts from each window's last row, parameters frozen.

    The Kalman filter runs once over the whole series; the ``k``-step forecast from origin
    ``o`` is ``Z T^(k-1) a(o+1|o) + Z (I + ... + T^(k-2)) c + d(o+k)``.
    """
    with _quiet():
        model = _sarima_model(np.asarray(y, float), state["config"])
        result = model.filter(np.asarray(state["params"]))
    fr = result.filter_results
    design, transition = fr.design[..., 0][0], fr.transition[..., 0]
    state_intercept = fr.state_intercept[:, 0]
    obs_intercept = np.broadcast_to(fr.obs_intercept[0], (len(y),))
    origin, steps = origins_rows(target_index, horizon)
    a = fr.predicted_state[:, origin + 1]  # (k_states, n): a(o+1|o)
    drift = np.zeros_like(state_intercept)
    out = np.empty((len(origin), horizon))
    for k in steps:
        out[:, k - 1] = (
            design @ a + design @ drift + obs_intercept[np.minimum(origin + k, len(y) - 1)]
        )
        a, drift = transition @ a, transition @ drift + state_intercept
    return out


# --- the choice on validation ------------------------------------------------------------

FITS = {"ets": (fit_ets, ets_forecast), "sarima": (fit_sarima, sarima_forecast)}


def choose_on_validation(
    kind: str,
    configs: list[dict[str, Any]],
    y: np.ndarray,
    bounds: dict[str, tuple[int, int]],
    val_index: np.ndarray,
    horizon: int,
) -> dict[str, Any]:
    """Each config fitted on train and scored on the val windows; the lowest RMSE is kept.

    Only ``y`` up to the end of val is read: test never influences the choice.
    """
    fit, forecast = FITS[kind]
    y_seen = np.asarray(y, float)[: bounds["val"][1]]
    rows = np.asarray(val_index)[:, None] + np.arange(horizon)[None, :]
    best, table = None, []
    for config in configs:
        state = fit(y_seen[: bounds["train"][1]], config)
        error = forecast(state, y_seen, val_index, horizon) - y_seen[rows]
        rmse = float(np.sqrt(np.mean(error**2)))
        table.append({"config": config, "val_rmse": round(rmse, 6)})
        if best is None or rmse < best[0]:
            best = (rmse, state)
    logger.info("%s: %s chosen on validation RMSE (%s)", kind, best[1]["config"], table)
    return {**best[1], "candidates": table}


def forecast(kind: str, state: dict[str, Any], y: np.ndarray, target_index, horizon: int):
    """``(n, horizon)`` forecasts of a chosen ``ets`` or ``sarima`` state."""
    return FITS[kind][1](state, y, target_index, horizon)
