"""Nodes of ``timeseries``, one module per job: data, models, report.

Re-exported here so ``pipeline.py`` (and tests) import every node from one place.
"""

from .data import (
    choose_window,
    encode_features,
    fit_scaler,
    make_part_windows,
    repair_series,
    scale_features,
    split_series,
)
from .models import (
    fit_ridge_ar,
    forecast_lstm,
    forecast_persistence,
    forecast_ridge_ar,
    forecast_seasonal_naive,
    select_lstm,
    train_lstm_candidates,
)
from .report import (
    add_intervals,
    build_leaderboard,
    collect_forecasts,
    report_acf,
    report_backtest,
    report_details,
    report_forecast,
    report_intervals,
    report_training_curve,
    score_forecasts,
    select_test_predictions,
    timeseries_metrics,
)
from .statistical import fit_ets, fit_sarima, forecast_ets, forecast_sarima

__all__ = [
    "add_intervals",
    "report_backtest",
    "report_intervals",
    "build_leaderboard",
    "choose_window",
    "collect_forecasts",
    "encode_features",
    "fit_ets",
    "fit_ridge_ar",
    "fit_sarima",
    "fit_scaler",
    "forecast_ets",
    "forecast_lstm",
    "forecast_persistence",
    "forecast_ridge_ar",
    "forecast_sarima",
    "forecast_seasonal_naive",
    "timeseries_metrics",
    "make_part_windows",
    "repair_series",
    "report_acf",
    "report_details",
    "report_forecast",
    "report_training_curve",
    "scale_features",
    "score_forecasts",
    "select_lstm",
    "select_test_predictions",
    "split_series",
    "train_lstm_candidates",
]
