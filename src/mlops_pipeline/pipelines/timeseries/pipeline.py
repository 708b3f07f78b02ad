"""Pipeline ``timeseries``."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    choose_window,
    evaluate,
    fit_baselines,
    load_series,
    repair_series,
    scale_features,
    split_series,
    train_lstm,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(load_series, "params:timeseries.data", "ts_raw", name="timeseries_load_series"),
            node(
                repair_series,
                ["ts_raw", "params:timeseries.data"],
                ["ts_series", "ts_repair_report"],
                name="timeseries_repair_series",
            ),
            node(
                split_series,
                ["ts_series", "params:timeseries.data", "params:timeseries.split"],
                "ts_split",
                name="timeseries_split_series",
            ),
            node(
                scale_features,
                ["ts_split", "params:timeseries.scaler"],
                ["ts_scaled", "ts_scaler"],
                name="timeseries_scale_features",
            ),
            node(
                choose_window,
                ["ts_split", "params:timeseries.window"],
                ["ts_window", "ts_acf_plot", "ts_acf_data"],
                name="timeseries_choose_window",
            ),
            node(
                fit_baselines,
                [
                    "ts_split",
                    "ts_scaled",
                    "ts_scaler",
                    "ts_window",
                    "params:timeseries.baselines",
                ],
                ["ts_baseline_forecasts", "ts_ridge_ar", "ts_baselines_info"],
                name="timeseries_fit_baselines",
            ),
            node(
                train_lstm,
                [
                    "ts_split",
                    "ts_scaled",
                    "ts_scaler",
                    "ts_window",
                    "params:timeseries.lstm",
                    "params:common.seed",
                ],
                [
                    "ts_lstm_weights",
                    "ts_lstm_card",
                    "ts_lstm_forecasts",
                    "ts_training_curve_data",
                    "ts_training_curve_plot",
                ],
                name="timeseries_train_lstm",
            ),
            node(
                evaluate,
                [
                    "ts_split",
                    "ts_baseline_forecasts",
                    "ts_lstm_forecasts",
                    "ts_baselines_info",
                    "ts_lstm_card",
                    "ts_window",
                    "ts_repair_report",
                    "params:timeseries.report",
                ],
                [
                    "ts_predictions",
                    "ts_metrics",
                    "ts_leaderboard",
                    "ts_leaderboard_md",
                    "ts_forecast_data",
                    "ts_forecast_plot",
                    "ts_timings",
                ],
                name="timeseries_evaluate",
            ),
        ]
    )
