"""Nodes of ``timeseries``: repair, split, scale, window, fit baselines and the LSTM, report."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mlops_pipeline.timeseries import data as tsdata
from mlops_pipeline.timeseries import lstm as tslstm
from mlops_pipeline.timeseries import models, plots
from mlops_pipeline.timeseries.metrics import forecast_metrics, leaderboard, to_markdown
from mlops_pipeline.timeseries.prep import (
    PARTS,
    Scaler,
    Windows,
    choose_seq_len,
    make_windows,
    part_labels,
    split_bounds,
)

logger = logging.getLogger(__name__)

TIME, PART = tsdata.TIME, "part"
EVAL_PARTS = ("val", "test")


def load_series(data: dict[str, Any]) -> pd.DataFrame:
    """Raw rows of the configured CSV, or of the embedded statsmodels ``co2`` series."""
    return tsdata.load_raw(data)


def repair_series(raw: pd.DataFrame, data: dict[str, Any]) -> tuple[pd.DataFrame, dict]:
    """Validated series on a regular time grid, gaps filled, plus the repair report."""
    return tsdata.validate_and_repair(raw, data)


def split_series(series: pd.DataFrame, data: dict[str, Any], split: dict[str, Any]):
    """Model features (target first, one-hot categoricals) tagged train / val / test in order."""
    features = tsdata.encode_features(series, data)
    bounds = split_bounds(len(features), split.get("train", 0.70), split.get("val", 0.15))
    features.insert(1, PART, part_labels(bounds))
    return features


def scale_features(split: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fit the scaler on the train rows only; apply it to every row."""
    values = split.drop(columns=[TIME, PART])
    scaler = Scaler(kind).fit(values[split[PART].eq("train").to_numpy()])
    scaled = pd.concat([split[[TIME, PART]], scaler.transform(values)], axis=1)
    return scaled, scaler.to_dict()


def choose_window(split: pd.DataFrame, window: dict[str, Any]) -> tuple[dict, Figure, pd.DataFrame]:
    """ACF of the training target -> ``SEQ_LEN``; the ACF as a PNG and as plot data."""
    train_target = split.loc[split[PART].eq("train"), split.columns[2]].to_numpy()
    choice = choose_seq_len(train_target, window)
    figure = plots.acf_figure(
        choice["acf"], choice["acf_threshold"], choice["seq_len"], len(train_target)
    )
    acf_data = pd.DataFrame({"lag": np.arange(len(choice["acf"])), "acf": choice["acf"]})
    return choice, figure, acf_data


def fit_baselines(
    split: pd.DataFrame,
    scaled: pd.DataFrame,
    scaler: dict[str, Any],
    window: dict[str, Any],
    baselines: dict[str, Any],
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """Persistence, seasonal naive (when the history allows) and the ridge AR on the windows."""
    windows = _windows(scaled, window)
    y = split.iloc[:, 2].to_numpy(dtype=float)
    horizon, inverse = window["horizon"], Scaler.from_dict(scaler).inverse_column
    frames, info = [], {"skipped": {}, "fit_seconds": {}}
    for part in EVAL_PARTS:
        index = windows[part].target_index
        frames.append(
            _long(split, windows[part], part, "persistence", models.persistence(y, index, horizon))
        )
    period = baselines.get("seasonal_period")
    reason = models.seasonal_skip_reason(period, int(split[PART].eq("train").sum()), horizon)
    if reason:
        logger.warning("Seasonal naive skipped: %s", reason)
        info["skipped"]["seasonal_naive"] = reason
    else:
        for part in EVAL_PARTS:
            forecast = models.seasonal_naive(y, windows[part].target_index, int(period), horizon)
            frames.append(_long(split, windows[part], part, "seasonal_naive", forecast))
    started = time.perf_counter()
    ridge, ridge_info = models.fit_ridge_ar(
        windows["train"], windows["val"], baselines["ridge_alphas"]
    )
    info["fit_seconds"]["ridge_ar"] = round(time.perf_counter() - started, 3)
    for part in EVAL_PARTS:
        forecast = inverse(models.predict_ridge(ridge, windows[part]))
        frames.append(_long(split, windows[part], part, "ridge_ar", forecast))
    state = models.ridge_state(ridge, ridge_info, window["seq_len"], scaler["columns"])
    return pd.concat(frames, ignore_index=True), state, info


def train_lstm(
    split: pd.DataFrame,
    scaled: pd.DataFrame,
    scaler: dict[str, Any],
    window: dict[str, Any],
    params: dict[str, Any],
    seed: int,
) -> tuple[dict, dict[str, Any], pd.DataFrame, pd.DataFrame, Figure]:
    """Train each candidate on train, early-stopped on val; keep the best by validation RMSE.

    Returns the chosen weights, a model card, its val/test forecasts (original units), and its
    training history as plot data and as a figure. Test is scored for the chosen model only.
    """
    device = tslstm.select_device(params.get("device", "auto"))
    windows = _windows(scaled, window)
    inverse = Scaler.from_dict(scaler).inverse_column
    y = split.iloc[:, 2].to_numpy(dtype=float)
    shared = {k: v for k, v in params.items() if k in tslstm.DEFAULTS}
    candidates = params.get("candidates") or {"lstm": {}}
    results = {}
    for name, overrides in candidates.items():
        config = {**tslstm.DEFAULTS, **shared, **(overrides or {})}
        with tslstm.cpu_threads(params.get("num_threads", 1)):
            model, info = tslstm.train_lstm(windows["train"], windows["val"], config, seed, device)
        val = windows["val"]
        val_forecast = inverse(tslstm.predict(model, val, device))
        val_rmse = forecast_metrics(_actual(y, val), val_forecast)["rmse"]
        results[name] = (model, config, info, val_rmse)
    chosen = min(results, key=lambda name: results[name][3])
    model, config, info, _ = results[chosen]
    logger.info("LSTM candidate %r chosen on validation RMSE", chosen)
    frames = [
        _long(split, windows[p], p, "lstm", inverse(tslstm.predict(model, windows[p], device)))
        for p in EVAL_PARTS
    ]
    card = {
        "model_id": "timeseries_lstm",
        "family": "lstm",
        "candidate": chosen,
        "architecture": tslstm.architecture(config),
        "n_features": int(windows["train"].inputs.shape[2]),
        "features": scaler["columns"],
        "seq_len": window["seq_len"],
        "horizon": window["horizon"],
        "training": {k: v for k, v in config.items() if k not in tslstm.architecture(config)},
        "seed": seed,
        "device": str(device),
        "train_windows": len(windows["train"]),
        "best_epoch": info["best_epoch"],
        "epochs_run": info["epochs_run"],
        "candidates_val_rmse": {name: round(r[3], 6) for name, r in results.items()},
        "train_seconds": {name: r[2]["train_seconds"] for name, r in results.items()},
        "size_bytes": int(sum(t.numel() * t.element_size() for t in model.state_dict().values())),
        "data_sha256": hashlib.sha256(
            pd.util.hash_pandas_object(scaled, index=False).to_numpy().tobytes()
        ).hexdigest(),
        "params_sha256": hashlib.sha256(
            json.dumps([params, window["seq_len"]], sort_keys=True, default=str).encode()
        ).hexdigest(),
        "created_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    history = pd.DataFrame(info["history"])
    figure = plots.training_figure(history, info["best_epoch"])
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    return state, card, pd.concat(frames, ignore_index=True), history, figure


def evaluate(
    split: pd.DataFrame,
    baseline_forecasts: pd.DataFrame,
    lstm_forecasts: pd.DataFrame,
    baselines_info: dict[str, Any],
    lstm_card: dict[str, Any],
    window: dict[str, Any],
    repair_report: dict[str, Any],
    report: dict[str, Any],
) -> tuple[pd.DataFrame, dict, pd.DataFrame, str, pd.DataFrame, Figure, dict]:
    """Metrics in original units on val and test for every model, leaderboard, plots, timings."""
    forecasts = pd.concat([baseline_forecasts, lstm_forecasts], ignore_index=True)
    eps = float(report.get("mape_epsilon", 1e-6))
    scores: dict[str, dict[str, dict]] = {}
    for (model, part), rows in forecasts.groupby(["model", PART], sort=False):
        scores.setdefault(model, {})[part] = forecast_metrics(rows["actual"], rows["forecast"], eps)
        if window["horizon"] > 1:
            scores[model][part]["rmse_by_step"] = [
                forecast_metrics(g["actual"], g["forecast"], eps)["rmse"]
                for _, g in rows.groupby("step")
            ]
    board = leaderboard(scores)
    test_rmse = {model: parts["test"]["rmse"] for model, parts in scores.items()}
    metrics = {
        "test": {m: _rounded(parts["test"]) for m, parts in scores.items()},
        "val": {m: {"rmse": round(parts["val"]["rmse"], 6)} for m, parts in scores.items()},
        "lstm_vs_persistence": round(test_rmse["lstm"] / test_rmse["persistence"], 4),
        "lstm_vs_ridge_ar": round(test_rmse["lstm"] / test_rmse["ridge_ar"], 4),
        "seq_len": window["seq_len"],
        "horizon": window["horizon"],
        "lstm_best_epoch": lstm_card["best_epoch"],
        "data": {
            "rows": repair_report["rows_out"],
            "target_filled": repair_report["target_filled"],
            "missing_timestamps": repair_report["missing_timestamps"],
            "dropped": repair_report["dropped_leading"] + repair_report["dropped_trailing"],
        },
        "skipped": baselines_info["skipped"],
    }
    test = forecasts[forecasts[PART].eq("test")]
    predictions = test.reset_index(drop=True)
    step_one = test[test["step"].eq(1)].pivot(index=TIME, columns="model", values="forecast")
    actual = test[test["step"].eq(1)].drop_duplicates(TIME).set_index(TIME)["actual"]
    plot_data = step_one.assign(actual=actual).reset_index()
    plot_data = plot_data.tail(int(report.get("plot_points", 730))).reset_index(drop=True)
    plot_data.insert(0, "t", np.arange(len(plot_data)))
    plot_data[TIME] = plot_data[TIME].dt.strftime("%Y-%m-%d %H:%M:%S")
    model_names = [m for m in ("persistence", "seasonal_naive", "ridge_ar", "lstm") if m in scores]
    plot_data = plot_data[["t", TIME, "actual", *model_names]].round(4)
    figure = plots.forecast_figure(
        plot_data.assign(**{TIME: pd.to_datetime(plot_data[TIME])}), split.columns[2], model_names
    )
    timings = {
        "ridge_ar_fit_seconds": baselines_info["fit_seconds"].get("ridge_ar"),
        "lstm_train_seconds": lstm_card["train_seconds"],
        "device": lstm_card["device"],
    }
    logger.info("Test RMSE: %s", {m: round(v, 4) for m, v in test_rmse.items()})
    return predictions, metrics, board, to_markdown(board), plot_data, figure, timings


def _windows(scaled: pd.DataFrame, window: dict[str, Any]) -> dict[str, Windows]:
    values = scaled.drop(columns=[TIME, PART]).to_numpy(dtype=np.float32)
    parts = scaled[PART].to_numpy()
    out = {}
    for part in PARTS:
        rows = np.flatnonzero(parts == part)
        out[part] = make_windows(
            values, (int(rows[0]), int(rows[-1]) + 1), window["seq_len"], window["horizon"]
        )
        if not len(out[part]):
            raise ValueError(f"no {part} windows: the part is shorter than the horizon")
    return out


def _actual(y: np.ndarray, windows: Windows) -> np.ndarray:
    horizon = windows.targets.shape[1]
    return y[windows.target_index[:, None] + np.arange(horizon)[None, :]]


def _long(
    split: pd.DataFrame, windows: Windows, part: str, model: str, forecast: np.ndarray
) -> pd.DataFrame:
    """One row per (window, step): target timestamp, part, model, step, actual, forecast."""
    y = split.iloc[:, 2].to_numpy(dtype=float)
    horizon = windows.targets.shape[1]
    rows = (windows.target_index[:, None] + np.arange(horizon)[None, :]).ravel()
    return pd.DataFrame(
        {
            TIME: split[TIME].to_numpy()[rows],
            PART: part,
            "model": model,
            "step": np.tile(np.arange(1, horizon + 1), len(windows)),
            "actual": y[rows],
            "forecast": np.asarray(forecast, dtype=float).reshape(-1),
        }
    )


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    def rnd(v: Any) -> Any:
        if isinstance(v, float):
            return round(v, 6)
        return [rnd(x) for x in v] if isinstance(v, list) else v

    return {k: rnd(v) for k, v in values.items()}
