"""Statistical anchor nodes of ``timeseries``: Holt-Winters (ETS) and seasonal ARIMA.

Fitted on the train part of the target (univariate: covariates are the LSTM's and the ridge's),
their variant chosen on the val windows, and forecasting the very val and test windows the
other models forecast.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mlops_pipeline.timeseries import statistical as stats
from mlops_pipeline.timeseries.frames import (
    EVAL_PARTS,
    PART,
    forecast_frame,
    horizon_of,
    part_bounds,
    target_values,
)
from mlops_pipeline.timeseries.prep import Windows


def _choose(
    kind: str, configs: list[dict], split: pd.DataFrame, windows: dict[str, Windows], target: str
) -> dict[str, Any]:
    parts = split[PART].to_numpy()
    return stats.choose_on_validation(
        kind,
        configs,
        target_values(split, target),
        {p: part_bounds(parts, p) for p in ("train", "val")},
        windows["val"].target_index,
        horizon_of(windows),
    )


def fit_ets(
    split: pd.DataFrame, windows: dict[str, Windows], target: str, baselines: dict[str, Any]
) -> dict[str, Any]:
    """Additive Holt-Winters fitted on train; trend (none, additive, damped) and season chosen
    on validation. Seasons are ``baselines.seasonal_period`` rows (when two fit in train)."""
    n_train = int(split[PART].eq("train").sum())
    configs = stats.ets_configs(baselines.get("seasonal_period"), n_train)
    return _choose("ets", configs, split, windows, target)


def fit_sarima(
    split: pd.DataFrame,
    windows: dict[str, Windows],
    target: str,
    baselines: dict[str, Any],
    statistical: dict[str, Any],
) -> dict[str, Any]:
    """ARIMA(p, d, q) with the season (native, or Fourier terms for long seasons) fitted on
    train; ``d`` by an ADF test on train, ``(p, q)`` among ``statistical.sarima.orders`` on
    validation."""
    train = target_values(split.loc[split[PART].eq("train")], target)
    sarima = statistical.get("sarima", {})
    configs = stats.sarima_configs(
        sarima, baselines.get("seasonal_period"), stats.differencing_order(train)
    )
    return _choose("sarima", configs, split, windows, target)


def forecast_statistical(
    state: dict[str, Any], split: pd.DataFrame, windows: dict[str, Windows], target: str, kind: str
) -> pd.DataFrame:
    """Val and test forecasts of a fitted ``ets`` or ``sarima`` state, parameters frozen."""
    y, horizon = target_values(split, target), horizon_of(windows)
    forecasts = {
        p: stats.forecast(kind, state, y, windows[p].target_index, horizon) for p in EVAL_PARTS
    }
    return forecast_frame(split, target, windows, kind, forecasts)


def forecast_ets(
    state: dict[str, Any], split: pd.DataFrame, windows: dict[str, Windows], target: str
) -> pd.DataFrame:
    """Val and test forecasts of the saved Holt-Winters state."""
    return forecast_statistical(state, split, windows, target, "ets")


def forecast_sarima(
    state: dict[str, Any], split: pd.DataFrame, windows: dict[str, Windows], target: str
) -> pd.DataFrame:
    """Val and test forecasts of the saved seasonal ARIMA state."""
    return forecast_statistical(state, split, windows, target, "sarima")
