"""Holt-Winters and seasonal ARIMA anchors: forecasts from frozen states, choice on validation."""

from __future__ import annotations

import numpy as np
import pytest

from mlops_pipeline.timeseries import statistical as st

PERIOD = 12


def _series(n: int = 360, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / PERIOD) + rng.normal(0, 0.3, n).cumsum() * 0.2


def _fixed(state: dict) -> dict:
    keys = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
    return {k: state[k] for k in keys if state[k] is not None}


@pytest.mark.parametrize(
    "config",
    [
        {"trend": "damped", "seasonal": "add", "period": PERIOD},
        {"trend": None, "seasonal": None, "period": None},
    ],
)
def test_ets_multi_step_matches_statsmodels_forecast_from_each_origin(config):
    y = _series()
    state = st.fit_ets(y[:250], config)
    index = np.array([260, 300, 340])
    ours = st.ets_forecast(state, y, index, horizon=3)
    for row, t in zip(ours, index, strict=True):
        fit = st._ets_model(y[:t], config, state).fit(optimized=False, **_fixed(state))
        np.testing.assert_allclose(row, fit.forecast(3), rtol=1e-9)


def test_sarima_multi_step_matches_a_dynamic_prediction():
    y = _series()
    config = st.sarima_configs({"orders": [[1, 1]], "maxiter": 20}, 52, d=1)[0]
    assert config["fourier_pairs"] == 3 and config["seasonal_order"] == [0, 0, 0, 0]
    state = st.fit_sarima(y[:250], config)
    ours = st.sarima_forecast(state, y, np.array([270]), horizon=3)[0]
    result = st._sarima_model(y, config).filter(np.asarray(state["params"]))
    dynamic = result.get_prediction(start=270, end=272, dynamic=True).predicted_mean
    np.testing.assert_allclose(ours, dynamic, rtol=1e-9)


def test_short_seasons_are_native_and_long_ones_fourier():
    native = st.sarima_configs({"orders": [[1, 1]], "native_max_period": 12}, 12, d=0)[0]
    long = st.sarima_configs({"orders": [[1, 1]], "native_max_period": 12}, 365, d=0)[0]
    assert native["seasonal_order"] == [1, 0, 1, 12] and native["fourier_pairs"] == 0
    assert long["seasonal_order"] == [0, 0, 0, 0] and long["fourier_period"] == 365
    assert st.fourier_terms(10, 365, 3).shape == (10, 6)


@pytest.mark.parametrize("kind", ["ets", "sarima"])
def test_the_choice_never_reads_the_test_part(kind):
    y = _series()
    bounds = {"train": (0, 250), "val": (250, 300)}
    configs = (
        st.ets_configs(PERIOD, 250)
        if kind == "ets"
        else st.sarima_configs({"orders": [[1, 1], [0, 1]], "maxiter": 20}, 24, d=1)
    )
    val_index = np.arange(250, 300)
    clean = st.choose_on_validation(kind, configs, y, bounds, val_index, 1)
    poisoned = y.copy()
    poisoned[300:] = 1e6
    dirty = st.choose_on_validation(kind, configs, poisoned, bounds, val_index, 1)
    assert dirty == clean


def test_seasonal_ets_beats_persistence_on_a_seasonal_series():
    y = _series()
    bounds = {"train": (0, 250), "val": (250, 300)}
    state = st.choose_on_validation(
        "ets", st.ets_configs(PERIOD, 250), y, bounds, np.arange(250, 300), 1
    )
    test = np.arange(300, 360)
    error = st.forecast("ets", state, y, test, 1)[:, 0] - y[test]
    persistence = y[test - 1] - y[test]
    assert state["config"]["seasonal"] == "add"
    assert np.sqrt(np.mean(error**2)) < 0.8 * np.sqrt(np.mean(persistence**2))


def test_differencing_order_follows_the_unit_root_test():
    rng = np.random.default_rng(1)
    assert st.differencing_order(rng.normal(size=400)) == 0
    assert st.differencing_order(rng.normal(size=400).cumsum()) == 1
