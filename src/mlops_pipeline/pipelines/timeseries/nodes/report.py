"""Report nodes of ``timeseries``: forecasts collected, scored, ranked and drawn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mlops_pipeline.timeseries import plots
from mlops_pipeline.timeseries.backtest import rolling_origin
from mlops_pipeline.timeseries.data import TIME
from mlops_pipeline.timeseries.frames import PART, rounded
from mlops_pipeline.timeseries.intervals import coverage_report, interval_bounds
from mlops_pipeline.timeseries.metrics import forecast_metrics, leaderboard

MODELS = ("persistence", "seasonal_naive", "ridge_ar", "ets", "sarima", "lstm")
ANCHORS = ("ridge_ar", "ets", "sarima")  # the non-LSTM models the LSTM must match


def report_acf(choice: dict[str, Any]) -> tuple[Figure, pd.DataFrame]:
    """The training ACF with the threshold, the ACF rule and ``SEQ_LEN``, as a PNG and data."""
    acf = choice["acf"]
    figure = plots.acf_figure(
        acf, choice["acf_threshold"], choice["seq_len"], choice["n_train"], choice["acf_seq_len"]
    )
    return figure, pd.DataFrame({"lag": np.arange(len(acf)), "acf": acf})


def report_training_curve(
    history: pd.DataFrame, card: dict[str, Any]
) -> tuple[pd.DataFrame, Figure]:
    """Train and validation loss per epoch of the chosen LSTM, as plot data and a PNG."""
    return history, plots.training_figure(history, card["best_epoch"])


def collect_forecasts(
    persistence: pd.DataFrame,
    seasonal_naive: pd.DataFrame,
    ridge_ar: pd.DataFrame,
    ets: pd.DataFrame,
    sarima: pd.DataFrame,
    lstm: pd.DataFrame,
) -> pd.DataFrame:
    """Every model's val and test forecasts in one long table (same windows for all)."""
    frames = [f for f in (persistence, seasonal_naive, ridge_ar, ets, sarima, lstm) if len(f)]
    return pd.concat(frames, ignore_index=True)


def add_intervals(forecasts: pd.DataFrame, report: dict[str, Any]) -> pd.DataFrame:
    """``lower``/``upper``: split-conformal intervals, widths from validation residuals."""
    return interval_bounds(forecasts, float(report.get("interval_coverage", 0.9)))


def report_intervals(bounded: pd.DataFrame, report: dict[str, Any]) -> dict[str, dict]:
    """Per model: interval half-width, test coverage and its binomial 95 % interval."""
    return coverage_report(bounded, float(report.get("interval_coverage", 0.9)))


def report_backtest(forecasts: pd.DataFrame, report: dict[str, Any]) -> dict[str, dict]:
    """Rolling-origin folds over the test period: each model's RMSE/MAE mean and spread."""
    return rolling_origin(forecasts, int(report.get("backtest_folds", 5)))


def select_test_predictions(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The test part of the forecasts (the saved predictions)."""
    return forecasts[forecasts[PART].eq("test")].reset_index(drop=True)


def score_forecasts(forecasts: pd.DataFrame, report: dict[str, Any]) -> dict[str, dict[str, dict]]:
    """RMSE, MAE, MAPE per model and part, in the target's units (per step when multi-step)."""
    eps = float(report.get("mape_epsilon", 1e-6))
    scores: dict[str, dict[str, dict]] = {}
    for (model, part), rows in forecasts.groupby(["model", PART], sort=False):
        scores.setdefault(model, {})[part] = rounded(
            forecast_metrics(rows["actual"], rows["forecast"], eps)
        )
        if rows["step"].max() > 1:
            scores[model][part]["rmse_by_step"] = [
                round(forecast_metrics(g["actual"], g["forecast"], eps)["rmse"], 6)
                for _, g in rows.groupby("step")
            ]
    return scores


def _ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator`` rounded; ``None`` when a baseline is exact (RMSE 0)."""
    return round(numerator / denominator, 4) if denominator > 0 else None


def timeseries_metrics(
    scores: dict[str, dict[str, dict]], intervals: dict[str, dict]
) -> dict[str, Any]:
    """The few numbers ``dvc metrics`` compares: test RMSE per model, the LSTM's ratios and
    its interval coverage."""
    test_rmse = {m: scores[m]["test"]["rmse"] for m in MODELS if m in scores}
    best_anchor = min(test_rmse[m] for m in ANCHORS if m in test_rmse)
    return {
        "test_rmse": test_rmse,
        "lstm_vs_persistence": _ratio(test_rmse["lstm"], test_rmse["persistence"]),
        "lstm_vs_ridge_ar": _ratio(test_rmse["lstm"], test_rmse["ridge_ar"]),
        "lstm_vs_best_anchor": _ratio(test_rmse["lstm"], best_anchor),
        "lstm_interval_coverage": intervals["lstm"]["test_coverage"],
    }


def report_details(
    scores: dict[str, dict[str, dict]],
    window: dict[str, Any],
    lstm_card: dict[str, Any],
    ridge: dict[str, Any],
    ets: dict[str, Any],
    sarima: dict[str, Any],
    seasonal_status: dict[str, Any],
    data_report: dict[str, Any],
    intervals: dict[str, dict],
    backtest: dict[str, dict],
) -> dict[str, Any]:
    """Everything behind the headline: all scores, window, chosen settings, intervals,
    rolling-origin folds, data counts."""
    skipped = seasonal_status["skipped"]
    return {
        "scores": scores,
        "seq_len": window["seq_len"],
        "window_reason": window["reason"],
        "window_candidates": window["candidates"],
        "horizon": window["horizon"],
        "ridge_alpha": ridge["alpha"],
        "ets": {"chosen": ets["config"], "candidates_val_rmse": ets["candidates"]},
        "sarima": {"chosen": sarima["config"], "candidates_val_rmse": sarima["candidates"]},
        "lstm_candidate": lstm_card["candidate"],
        "lstm_best_epoch": lstm_card["best_epoch"],
        "lstm_candidates_val_rmse": lstm_card["candidates_val_rmse"],
        "intervals": intervals,
        "backtest": backtest,
        "data": {
            "rows": data_report["rows_out"],
            "target_filled": data_report["target_filled"],
            "missing_timestamps": data_report["missing_timestamps"],
            "dropped": data_report["dropped_leading"] + data_report["dropped_trailing"],
        },
        "skipped": {"seasonal_naive": skipped} if skipped else {},
    }


def build_leaderboard(scores: dict[str, dict[str, dict]]) -> tuple[pd.DataFrame, str]:
    """One row per model, best test RMSE first, as CSV and as Markdown."""
    board = leaderboard(scores)
    return board, board.to_markdown(index=False) + "\n"


def report_forecast(
    forecasts: pd.DataFrame, target: str, report: dict[str, Any]
) -> tuple[pd.DataFrame, Figure]:
    """Last test points: actual, every model's one-step forecast and the LSTM's interval, as
    plot data and a PNG."""
    test = forecasts[forecasts[PART].eq("test") & forecasts["step"].eq(1)]
    step_one = test.pivot(index=TIME, columns="model", values="forecast")
    lstm = test[test["model"].eq("lstm")].set_index(TIME)
    actual = test.drop_duplicates(TIME).set_index(TIME)["actual"]
    plot_data = step_one.assign(
        actual=actual, lstm_lower=lstm["lower"], lstm_upper=lstm["upper"]
    ).reset_index()
    plot_data = plot_data.tail(int(report.get("plot_points", 730))).reset_index(drop=True)
    plot_data.insert(0, "t", np.arange(len(plot_data)))
    model_names = [m for m in MODELS if m in step_one.columns]
    plot_data = plot_data[["t", TIME, "actual", *model_names, "lstm_lower", "lstm_upper"]]
    figure = plots.forecast_figure(plot_data, target, model_names, band="lstm")
    plot_data = plot_data.assign(**{TIME: plot_data[TIME].dt.strftime("%Y-%m-%d %H:%M:%S")})
    return plot_data.round(4), figure
