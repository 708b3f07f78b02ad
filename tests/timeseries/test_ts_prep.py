"""Chronological split, train-only scaler, ACF window choice and leak-free windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.timeseries.prep import (
    Scaler,
    as_numbers,
    check_test_points,
    choose_seq_len,
    make_windows,
    part_labels,
    split_bounds,
    window_candidates,
)


def test_split_is_chronological_70_15_15() -> None:
    bounds = split_bounds(1000)
    assert bounds == {"train": (0, 700), "val": (700, 850), "test": (850, 1000)}
    labels = part_labels(bounds)
    # Contiguous blocks in time order: train, then val, then test; nothing shuffled.
    changes = [labels[0]] + [b for a, b in zip(labels[:-1], labels[1:], strict=True) if a != b]
    assert changes == ["train", "val", "test"]


def test_split_rejects_bad_shares() -> None:
    with pytest.raises(UserInputError, match="timeseries.split"):
        split_bounds(100, train=0.9, val=0.2)


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_scaler_round_trip(kind: str) -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 5.0], "b": [3.0, 3.0, 3.0]})
    scaler = Scaler(kind).fit(frame)
    scaled = scaler.transform(frame)
    np.testing.assert_allclose(scaler.inverse_column(scaled["a"].to_numpy(), "a"), frame["a"])
    assert np.isfinite(scaled.to_numpy()).all()  # constant column: scale 1, no division by 0
    restored = Scaler.from_dict(scaler.to_dict())
    np.testing.assert_allclose(restored.transform(frame), scaled)


def test_windows_targets_stay_in_their_part_inputs_may_reach_back() -> None:
    values = np.arange(100, dtype=float)[:, None]
    bounds = split_bounds(100)
    for start, stop in bounds.values():
        for horizon in (1, 3):
            windows = make_windows(values, (start, stop), seq_len=5, horizon=horizon)
            last_target = windows.target_index + horizon - 1
            assert windows.target_index.min() >= start and last_target.max() < stop
            # Inputs are exactly the 5 rows before the first target.
            np.testing.assert_array_equal(windows.inputs[:, -1, 0], windows.target_index - 1)
            np.testing.assert_array_equal(windows.targets[:, 0], windows.target_index)
    test = make_windows(values, bounds["test"], seq_len=5)
    assert test.target_index[0] == 85 and test.inputs[0, 0, 0] == 80  # reaches into val
    assert len(test) == 15


def test_acf_choice_on_ar1_with_known_phi() -> None:
    # AR(1): ACF(k) = phi**k; with phi = 0.85 it first drops below 0.5 at lag 5
    # (0.85**4 = 0.522, 0.85**5 = 0.444).
    rng = np.random.default_rng(0)
    phi, n = 0.85, 20000
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = phi * y[t - 1] + rng.normal()
    choice = choose_seq_len(y, {"acf_threshold": 0.5, "min_seq_len": 1, "max_seq_len": 60})
    assert choice["acf_crossing_lag"] == 5
    assert choice["seq_len"] == 5
    assert choice["acf"][1] == pytest.approx(phi, abs=0.02)


def test_acf_choice_bounds_and_fixed_value() -> None:
    trend = np.arange(500, dtype=float)  # ACF stays high: no crossing
    assert choose_seq_len(trend, {"max_seq_len": 30})["seq_len"] == 30
    noise = np.random.default_rng(1).normal(size=500)  # crosses at lag 1
    assert choose_seq_len(noise, {"min_seq_len": 4})["seq_len"] == 4
    assert choose_seq_len(noise, {"seq_len": 7})["seq_len"] == 7


CHECKS = {"min_test_points": 30, "min_test_seasons": 1.0, "max_filled_share": 0.05}


def test_too_few_test_points_fail_naming_the_parameters() -> None:
    # 20 rows, 70/15/15: 3 test points
    n_test = 20 - sum(b - a for a, b in list(split_bounds(20).values())[:2])
    assert n_test == 3
    with pytest.raises(UserInputError) as error:
        check_test_points(n_test, CHECKS, None)
    message = str(error.value)
    assert "only 3 test points" in message and "30 required" in message
    assert "timeseries.checks.min_test_points=30" in message
    assert '--params "timeseries.checks.min_test_points=3"' in message
    check_test_points(n_test, {**CHECKS, "min_test_points": 3}, None)  # accepted knowingly


def test_one_season_of_test_points_is_required_when_longer() -> None:
    check_test_points(52, CHECKS, 52)
    with pytest.raises(UserInputError) as error:
        check_test_points(51, CHECKS, 52)
    message = str(error.value)
    assert "below the 52 required" in message
    assert "min_test_seasons=1 x timeseries.baselines.seasonal_period=52 = 52)" in message
    assert "min_test_points=51,timeseries.checks.min_test_seasons=0" in message
    check_test_points(31, {**CHECKS, "min_test_seasons": 0}, 52)


def test_window_candidates_are_named_bounded_and_fixed_wins() -> None:
    window = {
        "min_seq_len": 4,
        "max_seq_len": 60,
        "candidates": {"acf": True, "season_fractions": [0.5, 1.0], "lags": "7+30+90"},
    }
    assert window_candidates(window, 4, 52, 1000) == {
        "acf": 4,
        "season_0.5": 26,
        "season_1": 52,
        "lags_7": 7,
        "lags_30": 30,
        "lags_90": 60,  # bounded to max_seq_len
    }
    # at most half the training rows; no seasonal candidates without a period
    assert window_candidates(window, 4, None, 40) == {
        "acf": 4,
        "lags_7": 7,
        "lags_30": 20,
        "lags_90": 20,
    }
    assert window_candidates({**window, "seq_len": 9}, 4, 52, 1000) == {"fixed": 9}
    with pytest.raises(UserInputError, match="no candidate window"):
        window_candidates({"candidates": {"acf": False}}, 4, None, 1000)


def test_as_numbers_reads_the_command_line_spelling() -> None:
    assert as_numbers("7+14", int) == [7, 14] == as_numbers([7, 14], int)
    assert as_numbers(30, int) == [30]
    assert as_numbers(None) == []
