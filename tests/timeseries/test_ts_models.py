"""Baselines, ridge AR, the LSTM and the metrics."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from mlops_pipeline.timeseries import lstm as tslstm
from mlops_pipeline.timeseries import models
from mlops_pipeline.timeseries.metrics import forecast_metrics, leaderboard
from mlops_pipeline.timeseries.models import (
    fit_ridge_ar,
    flatten,
    persistence,
    predict_ridge,
    seasonal_naive,
    seasonal_skip_reason,
)
from mlops_pipeline.timeseries.prep import Scaler, make_windows, split_bounds
from mlops_pipeline.torch_runtime import torch_compute


def test_persistence_and_seasonal_naive() -> None:
    y = np.arange(20, dtype=float)
    index = np.array([10, 15])
    np.testing.assert_array_equal(persistence(y, index), [[9], [14]])
    np.testing.assert_array_equal(persistence(y, index, horizon=2), [[9, 9], [14, 14]])
    np.testing.assert_array_equal(seasonal_naive(y, index, period=7, horizon=2), [[3, 4], [8, 9]])
    assert seasonal_skip_reason(365, history=200, horizon=1).startswith("history")
    assert seasonal_skip_reason(7, history=200, horizon=1) is None


def test_ridge_recovers_an_ar2_process() -> None:
    rng = np.random.default_rng(0)
    y = np.zeros(3000)
    for t in range(2, len(y)):
        y[t] = 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.normal(scale=0.1)
    values, bounds = y[:, None], split_bounds(len(y))
    train, val = (make_windows(values, bounds[p], seq_len=4) for p in ("train", "val"))
    state = fit_ridge_ar(train, val, [1e3, 1e-6, 10.0])
    assert state["alpha"] == 1e-6  # heavy shrinkage is worse on validation: not chosen
    assert state["val_rmse_scaled_by_alpha"][1e-6] < state["val_rmse_scaled_by_alpha"][1e3]
    np.testing.assert_allclose(np.ravel(state["coef"]), [0, 0, -0.3, 0.6], atol=0.05)
    assert flatten(train).dtype == np.float64  # a float32 solve moved digits between CPUs
    residual = predict_ridge(json.loads(json.dumps(state)), val) - val.targets  # saved state
    assert np.sqrt(np.mean(residual**2)) == pytest.approx(0.1, abs=0.01)


def test_lstm_beats_persistence_on_noisy_sine() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(1000)
    y = np.sin(2 * np.pi * t / 40) + rng.normal(scale=0.1, size=t.size)
    bounds = split_bounds(len(y))
    scaler = Scaler("minmax").fit(_frame(y[: bounds["train"][1]]))
    values = scaler.transform(_frame(y)).to_numpy()
    windows = {p: make_windows(values, bounds[p], seq_len=12) for p in bounds}
    config = {"hidden_size": 16, "max_epochs": 12, "patience": 4, "lr": 1e-2}
    with torch_compute(threads=1, deterministic=True):
        model, info = tslstm.train_lstm(
            windows["train"], windows["val"], config, seed=0, device=torch.device("cpu")
        )
    test = windows["test"]
    forecast = scaler.inverse_column(tslstm.predict(model, test, torch.device("cpu")), "y")
    actual = y[test.target_index][:, None]
    lstm_rmse = forecast_metrics(actual, forecast)["rmse"]
    naive_rmse = forecast_metrics(actual, persistence(y, test.target_index))["rmse"]
    assert lstm_rmse < 0.85 * naive_rmse, (lstm_rmse, naive_rmse)
    assert 1 <= info["best_epoch"] <= info["epochs_run"]
    assert info["history"][info["best_epoch"] - 1]["val_loss"] == info["best_val_mse_scaled"]


def test_lstm_is_deterministic_for_a_seed() -> None:
    values = np.sin(np.arange(200) / 5.0)[:, None].astype(np.float32)
    train = make_windows(values, (0, 150), seq_len=8)
    val = make_windows(values, (150, 200), seq_len=8)
    config = {"hidden_size": 4, "max_epochs": 2}
    runs = [tslstm.train_lstm(train, val, config, 3, torch.device("cpu"))[0] for _ in range(2)]
    for a, b in zip(runs[0].state_dict().values(), runs[1].state_dict().values(), strict=True):
        assert torch.equal(a, b)


@pytest.mark.parametrize("target_col", [0, 2])
def test_residual_lstm_starts_near_persistence(target_col: int) -> None:
    model = tslstm.LSTMForecaster(3, hidden_size=4, residual=True, target_col=target_col)
    torch.nn.init.zeros_(model.head.weight)
    torch.nn.init.zeros_(model.head.bias)
    x = torch.rand(3, 5, 3)
    torch.testing.assert_close(model(x), x[:, -1, target_col : target_col + 1])


def test_torch_compute_sets_and_restores_threads_and_determinism() -> None:
    before = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
    with torch_compute(threads=1, deterministic=True):
        assert torch.get_num_threads() == 1
        assert torch.are_deterministic_algorithms_enabled()
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == before


def test_metrics_guard_zeros_in_mape() -> None:
    scores = forecast_metrics(np.array([0.0, 2.0, 4.0]), np.array([1.0, 3.0, 4.0]))
    assert scores["mape"] == pytest.approx(25.0)  # zero actual left out: (50 % + 0 %) / 2
    assert scores["mape_excluded_points"] == 1
    assert scores["rmse"] == pytest.approx(np.sqrt(2 / 3))
    assert scores["mae"] == pytest.approx(2 / 3)
    assert forecast_metrics(np.zeros(2), np.ones(2))["mape"] is None


def test_leaderboard_ranks_by_test_rmse() -> None:
    board = leaderboard(
        {
            "persistence": {"test": {"rmse": 2.0, "mae": 1.5, "mape": 10.0}},
            "lstm": {"test": {"rmse": 1.0, "mae": 0.8, "mape": 5.0}, "val": {"rmse": 1.1}},
        }
    )
    assert board["model"].tolist() == ["lstm", "persistence"]
    assert board.loc[0, "rmse_vs_persistence"] == 0.5


def _frame(y: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"y": y})


def ar30(n: int = 1500, seed: int = 0) -> np.ndarray:
    """A stationary AR(30): ``y[t] = 0.2 y[t-1] + 0.7 y[t-30] + e``; its ACF drops at lag 1."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n + 200)
    for t in range(30, len(y)):
        y[t] = 0.2 * y[t - 1] + 0.7 * y[t - 30] + rng.normal()
    return y[200:]


def test_window_length_is_chosen_by_validation_rmse_on_an_ar30_series() -> None:
    y = ar30()
    bounds = split_bounds(len(y))
    values = ((y - y.min()) / (y.max() - y.min()))[:, None]
    candidates = {"acf": 4, "lags_7": 7, "lags_14": 14, "lags_30": 30}
    scores = models.select_seq_len(values, bounds, candidates, [0.01, 1.0])
    assert set(scores) == {4, 7, 14, 30}
    assert min(scores, key=scores.get) == 30
    assert scores[30] < 0.8 * scores[4]  # 30 lags see y[t-30]; 4 lags cannot
    # Each score is the ridge AR's validation RMSE at its best alpha; test is never read.
    train, val = (make_windows(values, bounds[p], 4) for p in ("train", "val"))
    assert scores[4] == min(models.ridge_val_rmse(train, val, [0.01, 1.0]).values())
    tampered = values.copy()
    tampered[bounds["test"][0] :] = 99.0
    assert models.select_seq_len(tampered, bounds, candidates, [0.01, 1.0]) == scores


def test_window_normalised_lstm_moves_with_the_level():
    """normalise=last: a window shifted by c gives a forecast shifted by c (any level)."""
    import torch

    from mlops_pipeline.timeseries.lstm import LSTMForecaster

    torch.manual_seed(0)
    for highway in (False, True):
        model = LSTMForecaster(2, hidden_size=8, normalise="last", highway=highway, seq_len=5)
        x = torch.randn(4, 5, 2)
        shifted = x.clone()
        shifted[:, :, 0] += 7.5  # the target column far outside anything seen
        with torch.no_grad():
            torch.testing.assert_close(model(shifted), model(x) + 7.5)
