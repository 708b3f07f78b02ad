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
    build_leaderboard,
    collect_forecasts,
    headline_metrics,
    report_acf,
    report_details,
    report_forecast,
    report_training_curve,
    score_forecasts,
    select_test_predictions,
)

__all__ = [
    "build_leaderboard",
    "choose_window",
    "collect_forecasts",
    "encode_features",
    "fit_ridge_ar",
    "fit_scaler",
    "forecast_lstm",
    "forecast_persistence",
    "forecast_ridge_ar",
    "forecast_seasonal_naive",
    "headline_metrics",
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
