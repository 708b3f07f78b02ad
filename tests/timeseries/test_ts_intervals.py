"""Split-conformal intervals and the rolling-origin folds over the test period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlops_pipeline.timeseries.backtest import rolling_origin
from mlops_pipeline.timeseries.intervals import (
    conformal_halfwidth,
    coverage_report,
    interval_bounds,
)


def _forecasts(n_val: int = 2000, n_test: int = 1000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_val + n_test
    actual = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "timestamp": pd.date_range("2020-01-01", periods=n, freq="D"),
            "part": ["val"] * n_val + ["test"] * n_test,
            "model": "lstm",
            "step": 1,
            "actual": actual,
            "forecast": actual + rng.normal(size=n),  # errors N(0, 1)
        }
    )
    return frame


def test_halfwidth_is_the_conformal_quantile():
    assert conformal_halfwidth(np.arange(1, 10), 0.9) == 9.0  # ceil(10 * 0.9) = 9th of 9
    assert conformal_halfwidth(-np.arange(1, 20), 0.5) == 10.0  # |residuals|, ceil(20 * .5)


def test_exchangeable_errors_are_covered_at_the_nominal_rate():
    report = coverage_report(interval_bounds(_forecasts(), 0.9), 0.9)["lstm"]
    assert report["nominal_inside"], report
    assert abs(report["halfwidth_by_step"][0] - 1.645) < 0.2  # the N(0, 1) 90 % half-width


def test_widths_come_from_validation_only():
    frame = _forecasts()
    poisoned = frame.copy()
    test = poisoned["part"].eq("test")
    poisoned.loc[test, "forecast"] += 100.0  # test errors never move the widths
    clean, dirty = interval_bounds(frame, 0.9), interval_bounds(poisoned, 0.9)
    np.testing.assert_allclose(
        (clean["upper"] - clean["lower"]).to_numpy(), (dirty["upper"] - dirty["lower"]).to_numpy()
    )
    assert coverage_report(dirty, 0.9)["lstm"]["test_coverage"] == 0.0


def test_rolling_origin_folds_split_the_test_period_and_show_the_spread():
    frame = _forecasts()
    test = frame["part"].eq("test")
    late = test & (frame.index >= 2800)  # the last fold (200 of 1000 test points) is 10x worse
    frame.loc[late, "forecast"] = frame.loc[late, "actual"] + 10 * (
        frame.loc[late, "forecast"] - frame.loc[late, "actual"]
    )
    result = rolling_origin(frame, folds=5)["lstm"]
    assert len(result["rmse_by_fold"]) == 5
    assert result["rmse_by_fold"][-1] > 5 * max(result["rmse_by_fold"][:-1])
    assert result["rmse_sd"] > 1.0
