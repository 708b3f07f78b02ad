"""Pipeline ``timeseries``: one node per step, every model on the same windows."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    add_intervals,
    build_leaderboard,
    choose_window,
    collect_forecasts,
    encode_features,
    fit_ets,
    fit_ridge_ar,
    fit_sarima,
    fit_scaler,
    forecast_ets,
    forecast_lstm,
    forecast_persistence,
    forecast_ridge_ar,
    forecast_sarima,
    forecast_seasonal_naive,
    make_part_windows,
    repair_series,
    report_acf,
    report_backtest,
    report_details,
    report_forecast,
    report_intervals,
    report_training_curve,
    scale_features,
    score_forecasts,
    select_lstm,
    select_test_predictions,
    split_series,
    timeseries_metrics,
    train_lstm_candidates,
)

TARGET = "params:timeseries.data.target"
COMPUTE = "params:timeseries.compute"
CHECKS = "params:timeseries.checks"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            # data: raw CSV -> repaired series -> features split in time -> scaled -> windows
            node(
                repair_series,
                ["ts_raw", "params:timeseries.data", CHECKS],
                ["ts_series", "ts_data_report"],
                name="timeseries_repair_series",
            ),
            node(
                encode_features,
                ["ts_series", "params:timeseries.data"],
                "ts_features",
                name="timeseries_encode_features",
            ),
            node(
                split_series,
                [
                    "ts_features",
                    "params:timeseries.split",
                    CHECKS,
                    "params:timeseries.baselines",
                ],
                "ts_split",
                name="timeseries_split_series",
            ),
            node(
                fit_scaler,
                ["ts_split", "params:timeseries.scaler"],
                "ts_scaler",
                name="timeseries_fit_scaler",
            ),
            node(
                scale_features,
                ["ts_split", "ts_scaler"],
                "ts_scaled",
                name="timeseries_scale_features",
            ),
            node(
                choose_window,
                [
                    "ts_split",
                    "ts_scaled",
                    "ts_scaler",
                    TARGET,
                    "params:timeseries.window",
                    "params:timeseries.baselines",
                    COMPUTE,
                ],
                "ts_window",
                name="timeseries_choose_window",
            ),
            node(
                make_part_windows,
                ["ts_scaled", TARGET, "ts_window"],
                "ts_windows",
                name="timeseries_make_windows",
            ),
            # models: baselines, ridge AR and the LSTM, each forecasting val and test
            node(
                forecast_persistence,
                ["ts_split", "ts_windows", TARGET],
                "ts_persistence_forecasts",
                name="timeseries_forecast_persistence",
            ),
            node(
                forecast_seasonal_naive,
                ["ts_split", "ts_windows", TARGET, "params:timeseries.baselines"],
                ["ts_seasonal_naive_forecasts", "ts_seasonal_naive_status"],
                name="timeseries_forecast_seasonal_naive",
            ),
            node(
                fit_ridge_ar,
                [
                    "ts_windows",
                    "ts_window",
                    "ts_scaler",
                    "params:timeseries.baselines",
                    COMPUTE,
                ],
                "ts_ridge_ar",
                name="timeseries_fit_ridge_ar",
            ),
            node(
                forecast_ridge_ar,
                ["ts_ridge_ar", "ts_split", "ts_windows", "ts_scaler", TARGET, COMPUTE],
                "ts_ridge_ar_forecasts",
                name="timeseries_forecast_ridge_ar",
            ),
            node(
                fit_ets,
                ["ts_split", "ts_windows", TARGET, "params:timeseries.baselines"],
                "ts_ets",
                name="timeseries_fit_ets",
            ),
            node(
                forecast_ets,
                ["ts_ets", "ts_split", "ts_windows", TARGET],
                "ts_ets_forecasts",
                name="timeseries_forecast_ets",
            ),
            node(
                fit_sarima,
                [
                    "ts_split",
                    "ts_windows",
                    TARGET,
                    "params:timeseries.baselines",
                    "params:timeseries.statistical",
                ],
                "ts_sarima",
                name="timeseries_fit_sarima",
            ),
            node(
                forecast_sarima,
                ["ts_sarima", "ts_split", "ts_windows", TARGET],
                "ts_sarima_forecasts",
                name="timeseries_forecast_sarima",
            ),
            node(
                train_lstm_candidates,
                ["ts_windows", "params:timeseries.lstm", COMPUTE, "params:common.seed"],
                "ts_lstm_candidates",
                name="timeseries_train_lstm_candidates",
            ),
            node(
                select_lstm,
                [
                    "ts_lstm_candidates",
                    "ts_split",
                    "ts_windows",
                    "ts_scaler",
                    TARGET,
                    COMPUTE,
                    "params:common.seed",
                ],
                ["ts_lstm_weights", "ts_lstm_card", "ts_lstm_run_info", "ts_lstm_history"],
                name="timeseries_select_lstm",
            ),
            node(
                forecast_lstm,
                [
                    "ts_lstm_weights",
                    "ts_lstm_card",
                    "ts_split",
                    "ts_windows",
                    "ts_scaler",
                    TARGET,
                    COMPUTE,
                ],
                "ts_lstm_forecasts",
                name="timeseries_forecast_lstm",
            ),
            # reports
            node(
                collect_forecasts,
                [
                    "ts_persistence_forecasts",
                    "ts_seasonal_naive_forecasts",
                    "ts_ridge_ar_forecasts",
                    "ts_ets_forecasts",
                    "ts_sarima_forecasts",
                    "ts_lstm_forecasts",
                ],
                "ts_forecasts",
                name="timeseries_collect_forecasts",
            ),
            node(
                add_intervals,
                ["ts_forecasts", "params:timeseries.report"],
                "ts_forecasts_bounded",
                name="timeseries_add_intervals",
            ),
            node(
                report_intervals,
                ["ts_forecasts_bounded", "params:timeseries.report"],
                "ts_intervals",
                name="timeseries_report_intervals",
            ),
            node(
                report_backtest,
                ["ts_forecasts", "params:timeseries.report"],
                "ts_backtest",
                name="timeseries_report_backtest",
            ),
            node(
                select_test_predictions,
                "ts_forecasts_bounded",
                "ts_predictions",
                name="timeseries_select_test_predictions",
            ),
            node(
                score_forecasts,
                ["ts_forecasts", "params:timeseries.report"],
                "ts_scores",
                name="timeseries_score_forecasts",
            ),
            node(
                timeseries_metrics,
                ["ts_scores", "ts_intervals"],
                "ts_metrics",
                name="timeseries_headline_metrics",
            ),
            node(
                report_details,
                [
                    "ts_scores",
                    "ts_window",
                    "ts_lstm_card",
                    "ts_ridge_ar",
                    "ts_ets",
                    "ts_sarima",
                    "ts_seasonal_naive_status",
                    "ts_data_report",
                    "ts_intervals",
                    "ts_backtest",
                ],
                "ts_details",
                name="timeseries_report_details",
            ),
            node(
                build_leaderboard,
                "ts_scores",
                ["ts_leaderboard", "ts_leaderboard_md"],
                name="timeseries_build_leaderboard",
            ),
            node(
                report_acf,
                "ts_window",
                ["ts_acf_plot", "ts_acf_data"],
                name="timeseries_report_acf",
            ),
            node(
                report_training_curve,
                ["ts_lstm_history", "ts_lstm_card"],
                ["ts_training_curve_data", "ts_training_curve_plot"],
                name="timeseries_report_training_curve",
            ),
            node(
                report_forecast,
                ["ts_forecasts_bounded", TARGET, "params:timeseries.report"],
                ["ts_forecast_data", "ts_forecast_plot"],
                name="timeseries_report_forecast",
            ),
        ],
        tags="timeseries",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="timeseries",
        prefix_datasets_with_namespace=False,
    )
