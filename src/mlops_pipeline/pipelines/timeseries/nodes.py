"""Nodes of ``timeseries``: repair, split, scale, window, forecast with each model, report.

The target column is always found by its name (``params:timeseries.data.target``), never by
position. Thread counts, device and deterministic mode come from ``params:timeseries.compute``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mlops_pipeline.timeseries import data as tsdata
from mlops_pipeline.timeseries import lstm as tslstm
from mlops_pipeline.timeseries import models, plots
from mlops_pipeline.timeseries.metrics import forecast_metrics, leaderboard
from mlops_pipeline.timeseries.prep import (
    PARTS,
    Scaler,
    Windows,
    check_test_points,
    choose_seq_len,
    make_windows,
    part_labels,
    split_bounds,
    window_candidates,
)
from mlops_pipeline.torch_runtime import select_device, torch_compute

logger = logging.getLogger(__name__)

TIME, PART = tsdata.TIME, "part"
EVAL_PARTS = ("val", "test")
MODELS = ("persistence", "seasonal_naive", "ridge_ar", "lstm")


# --- data --------------------------------------------------------------------------------


def repair_series(
    raw: pd.DataFrame, data: dict[str, Any], checks: dict[str, Any]
) -> tuple[pd.DataFrame, dict]:
    """Validated series on a regular time grid, gaps filled, plus the repair report.

    Refused when more than ``checks.max_filled_share`` of a column is filled in.
    """
    series, report = tsdata.validate_and_repair(raw, data)
    tsdata.check_filled_share(report, checks["max_filled_share"], tsdata.source_name(raw))
    return series, report


def encode_features(series: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """``timestamp``, the target, numeric covariates, then one-hot categorical columns."""
    return tsdata.encode_features(series, data)


def split_series(
    features: pd.DataFrame,
    split: dict[str, Any],
    checks: dict[str, Any],
    baselines: dict[str, Any],
) -> pd.DataFrame:
    """The features with a ``part`` column: train / val / test in time order, never shuffled.

    Refused when the test part is too short to rank models (``timeseries.checks``; one season
    is ``baselines.seasonal_period`` rows).
    """
    bounds = split_bounds(len(features), split.get("train", 0.70), split.get("val", 0.15))
    start, stop = bounds["test"]
    check_test_points(stop - start, checks, baselines.get("seasonal_period"))
    out = features.copy()
    out.insert(1, PART, part_labels(bounds))
    return out


def fit_scaler(split: pd.DataFrame, kind: str) -> dict[str, Any]:
    """Scaler statistics of the train rows only (val/test never leak into them)."""
    train = split.loc[split[PART].eq("train")].drop(columns=[TIME, PART])
    return Scaler(kind).fit(train).to_dict()


def scale_features(split: pd.DataFrame, scaler: dict[str, Any]) -> pd.DataFrame:
    """Every row scaled with the train-only statistics."""
    scaled = Scaler.from_dict(scaler).transform(split.drop(columns=[TIME, PART]))
    return pd.concat([split[[TIME, PART]], scaled], axis=1)


def choose_window(
    split: pd.DataFrame,
    scaled: pd.DataFrame,
    scaler: dict[str, Any],
    target: str,
    window: dict[str, Any],
    baselines: dict[str, Any],
    compute: dict[str, Any],
) -> dict[str, Any]:
    """``SEQ_LEN``: the candidate length with the lowest validation RMSE of the ridge AR.

    Candidates (``window.candidates``): the ACF rule on the training target, fractions of the
    seasonal period, fixed lags; a configured ``window.seq_len`` is the only one. Each is
    scored by the ridge AR fitted on the train windows (alpha chosen on val too); test is
    never read. Ties go to the shorter window.
    """
    train_target = _target(split.loc[split[PART].eq("train")], target)
    acf_rule = choose_seq_len(train_target, window)
    horizon = int(window.get("horizon", 1))
    period = baselines.get("seasonal_period")
    candidates = window_candidates(window, acf_rule["seq_len"], period, len(train_target))
    values = scaled.drop(columns=[TIME, PART])
    parts = scaled[PART].to_numpy()
    bounds = {p: _bounds(parts, p) for p in ("train", "val")}
    with models.blas_threads(compute["blas_threads"]):
        scores = models.select_seq_len(
            values.to_numpy(dtype=np.float32),
            bounds,
            candidates,
            baselines["ridge_alphas"],
            horizon,
            values.columns.get_loc(target),
        )
    seq_len = min(scores, key=lambda length: (scores[length], length))
    unit = Scaler.from_dict(scaler).scale[scaler["columns"].index(target)]
    table = {
        name: {"seq_len": length, "val_rmse": round(float(scores[length] * unit), 6)}
        for name, length in candidates.items()
    }
    chosen = [name for name, row in table.items() if row["seq_len"] == seq_len]
    reason = (
        "fixed by timeseries.window.seq_len"
        if "fixed" in candidates
        else f"lowest ridge AR validation RMSE among {len(set(candidates.values()))} lengths "
        f"({', '.join(chosen)})"
    )
    logger.info("SEQ_LEN = %d (%s); val RMSE by candidate: %s", seq_len, reason, table)
    return {
        **acf_rule,
        "seq_len": seq_len,
        "reason": reason,
        "acf_seq_len": acf_rule["seq_len"],
        "acf_reason": acf_rule["reason"],
        "horizon": horizon,
        "candidates": table,
        "n_train": len(train_target),
    }


def _bounds(parts: np.ndarray, part: str) -> tuple[int, int]:
    rows = np.flatnonzero(parts == part)
    return int(rows[0]), int(rows[-1]) + 1


def make_part_windows(
    scaled: pd.DataFrame, target: str, window: dict[str, Any]
) -> dict[str, Windows]:
    """Leak-free windows per part: every target lies in its part; inputs may reach back."""
    values = scaled.drop(columns=[TIME, PART])
    target_col = values.columns.get_loc(target)
    array, parts = values.to_numpy(dtype=np.float32), scaled[PART].to_numpy()
    out = {}
    for part in PARTS:
        rows = np.flatnonzero(parts == part)
        bounds = (int(rows[0]), int(rows[-1]) + 1)
        out[part] = make_windows(array, bounds, window["seq_len"], window["horizon"], target_col)
        if not len(out[part]):
            raise ValueError(f"no {part} windows: the part is shorter than the horizon")
    return out


# --- models ------------------------------------------------------------------------------


def forecast_persistence(
    split: pd.DataFrame, windows: dict[str, Windows], target: str
) -> pd.DataFrame:
    """``y[t+k] = y[t-1]`` on the val and test windows."""
    y, horizon = _target(split, target), _horizon(windows)
    return _forecast_frame(
        split,
        target,
        windows,
        "persistence",
        {p: models.persistence(y, windows[p].target_index, horizon) for p in EVAL_PARTS},
    )


def forecast_seasonal_naive(
    split: pd.DataFrame, windows: dict[str, Windows], target: str, baselines: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The value one season earlier; skipped (empty, with the reason) when history is short."""
    period, horizon = baselines.get("seasonal_period"), _horizon(windows)
    reason = models.seasonal_skip_reason(period, int(split[PART].eq("train").sum()), horizon)
    if reason:
        logger.warning("Seasonal naive skipped: %s", reason)
        return _forecast_frame(split, target, windows, "seasonal_naive", {}), {"skipped": reason}
    y = _target(split, target)
    forecasts = {
        p: models.seasonal_naive(y, windows[p].target_index, int(period), horizon)
        for p in EVAL_PARTS
    }
    frame = _forecast_frame(split, target, windows, "seasonal_naive", forecasts)
    return frame, {"skipped": None}


def fit_ridge_ar(
    windows: dict[str, Windows],
    window: dict[str, Any],
    scaler: dict[str, Any],
    baselines: dict[str, Any],
    compute: dict[str, Any],
) -> dict[str, Any]:
    """Ridge autoregression on the lagged windows; ``alpha`` chosen on validation."""
    with models.blas_threads(compute["blas_threads"]):
        state = models.fit_ridge_ar(windows["train"], windows["val"], baselines["ridge_alphas"])
    return {**state, "seq_len": window["seq_len"], "features": scaler["columns"]}


def forecast_ridge_ar(
    ridge: dict[str, Any],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> pd.DataFrame:
    """Val and test forecasts of the saved ridge state, in the target's units."""
    inverse = Scaler.from_dict(scaler).inverse_column
    with models.blas_threads(compute["blas_threads"]):
        forecasts = {
            p: inverse(models.predict_ridge(ridge, windows[p]), target) for p in EVAL_PARTS
        }
    return _forecast_frame(split, target, windows, "ridge_ar", forecasts)


def train_lstm_candidates(
    windows: dict[str, Windows], lstm: dict[str, Any], compute: dict[str, Any], seed: int
) -> dict[str, dict[str, Any]]:
    """Each architecture of ``lstm.candidates`` trained on train, early-stopped on val."""
    device = select_device(compute["device"], parameter="timeseries.compute.device")
    shared = {k: v for k, v in lstm.items() if k in tslstm.DEFAULTS}
    candidates = {}
    with torch_compute(compute["torch_threads"], compute["deterministic"]):
        for name, overrides in (lstm.get("candidates") or {"lstm": {}}).items():
            config = {**tslstm.DEFAULTS, **shared, **(overrides or {})}
            model, info = tslstm.train_lstm(windows["train"], windows["val"], config, seed, device)
            state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            candidates[name] = {"config": config, "state": state, "info": info}
    return candidates


def select_lstm(
    candidates: dict[str, dict[str, Any]],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
    seed: int,
) -> tuple[dict, dict[str, Any], dict[str, Any], pd.DataFrame]:
    """The candidate with the lowest validation RMSE: its weights, card, run info and history.

    Test is never looked at here; only the chosen model is scored on it later.
    """
    val_rmse = {
        name: forecast_metrics(
            _actual(split, target, windows["val"]),
            _predict_lstm(
                c["state"],
                _architecture(c["config"], windows),
                windows["val"],
                scaler,
                target,
                compute,
            ),
        )["rmse"]
        for name, c in candidates.items()
    }
    chosen = min(val_rmse, key=val_rmse.get)
    logger.info("LSTM candidate %r chosen on validation RMSE %s", chosen, val_rmse)
    config, info, state = (candidates[chosen][k] for k in ("config", "info", "state"))
    architecture = _architecture(config, windows)
    card = {
        "model_id": "timeseries_lstm",
        "family": "lstm",
        "candidate": chosen,
        "architecture": architecture,
        "n_features": int(windows["train"].inputs.shape[2]),
        "features": scaler["columns"],
        "target": target,
        "seq_len": int(windows["train"].inputs.shape[1]),
        "training": {k: v for k, v in config.items() if k not in architecture},
        "seed": seed,
        "device": str(select_device(compute["device"], parameter="timeseries.compute.device")),
        "train_windows": len(windows["train"]),
        "best_epoch": info["best_epoch"],
        "epochs_run": info["epochs_run"],
        "candidates_val_rmse": {name: round(v, 6) for name, v in val_rmse.items()},
        "size_bytes": int(sum(t.numel() * t.element_size() for t in state.values())),
        "data_sha256": _windows_sha256(windows),
        "params_sha256": hashlib.sha256(
            json.dumps([config, architecture, seed], sort_keys=True, default=str).encode()
        ).hexdigest(),
    }
    # Time fields (DESIGN.md "Determinism and time") go beside the card, in run_info.json,
    # which .dvcignore keeps out of DVC's hashes: the card is the same bytes on every run.
    run_info = {
        "train_seconds": {name: c["info"]["train_seconds"] for name, c in candidates.items()},
        "created_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    return state, card, run_info, pd.DataFrame(info["history"])


def forecast_lstm(
    weights: dict,
    card: dict[str, Any],
    split: pd.DataFrame,
    windows: dict[str, Windows],
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> pd.DataFrame:
    """Val and test forecasts of the saved LSTM weights, in the target's units."""
    forecasts = {
        p: _predict_lstm(weights, card["architecture"], windows[p], scaler, target, compute)
        for p in EVAL_PARTS
    }
    return _forecast_frame(split, target, windows, "lstm", forecasts)


# --- reports -----------------------------------------------------------------------------


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
    lstm: pd.DataFrame,
) -> pd.DataFrame:
    """Every model's val and test forecasts in one long table (same windows for all)."""
    frames = [f for f in (persistence, seasonal_naive, ridge_ar, lstm) if len(f)]
    return pd.concat(frames, ignore_index=True)


def select_test_predictions(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The test part of the forecasts (the saved predictions)."""
    return forecasts[forecasts[PART].eq("test")].reset_index(drop=True)


def score_forecasts(forecasts: pd.DataFrame, report: dict[str, Any]) -> dict[str, dict[str, dict]]:
    """RMSE, MAE, MAPE per model and part, in the target's units (per step when multi-step)."""
    eps = float(report.get("mape_epsilon", 1e-6))
    scores: dict[str, dict[str, dict]] = {}
    for (model, part), rows in forecasts.groupby(["model", PART], sort=False):
        scores.setdefault(model, {})[part] = _rounded(
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


def headline_metrics(scores: dict[str, dict[str, dict]]) -> dict[str, Any]:
    """The few numbers ``dvc metrics`` compares: test RMSE per model and the LSTM's ratios."""
    test_rmse = {m: scores[m]["test"]["rmse"] for m in MODELS if m in scores}
    return {
        "test_rmse": test_rmse,
        "lstm_vs_persistence": _ratio(test_rmse["lstm"], test_rmse["persistence"]),
        "lstm_vs_ridge_ar": _ratio(test_rmse["lstm"], test_rmse["ridge_ar"]),
    }


def report_details(
    scores: dict[str, dict[str, dict]],
    window: dict[str, Any],
    lstm_card: dict[str, Any],
    ridge: dict[str, Any],
    seasonal_status: dict[str, Any],
    data_report: dict[str, Any],
) -> dict[str, Any]:
    """Everything behind the headline: all scores, window, chosen settings, data counts."""
    return {
        "scores": scores,
        "seq_len": window["seq_len"],
        "window_reason": window["reason"],
        "window_candidates": window["candidates"],
        "horizon": window["horizon"],
        "ridge_alpha": ridge["alpha"],
        "lstm_candidate": lstm_card["candidate"],
        "lstm_best_epoch": lstm_card["best_epoch"],
        "lstm_candidates_val_rmse": lstm_card["candidates_val_rmse"],
        "data": {
            "rows": data_report["rows_out"],
            "target_filled": data_report["target_filled"],
            "missing_timestamps": data_report["missing_timestamps"],
            "dropped": data_report["dropped_leading"] + data_report["dropped_trailing"],
        },
        "skipped": {"seasonal_naive": seasonal_status["skipped"]}
        if seasonal_status["skipped"]
        else {},
    }


def build_leaderboard(scores: dict[str, dict[str, dict]]) -> tuple[pd.DataFrame, str]:
    """One row per model, best test RMSE first, as CSV and as Markdown."""
    board = leaderboard(scores)
    return board, board.to_markdown(index=False) + "\n"


def report_forecast(
    forecasts: pd.DataFrame, target: str, report: dict[str, Any]
) -> tuple[pd.DataFrame, Figure]:
    """Last test points: actual and every model's one-step forecast, as plot data and a PNG."""
    test = forecasts[forecasts[PART].eq("test") & forecasts["step"].eq(1)]
    step_one = test.pivot(index=TIME, columns="model", values="forecast")
    actual = test.drop_duplicates(TIME).set_index(TIME)["actual"]
    plot_data = step_one.assign(actual=actual).reset_index()
    plot_data = plot_data.tail(int(report.get("plot_points", 730))).reset_index(drop=True)
    plot_data.insert(0, "t", np.arange(len(plot_data)))
    model_names = [m for m in MODELS if m in step_one.columns]
    plot_data = plot_data[["t", TIME, "actual", *model_names]]
    figure = plots.forecast_figure(plot_data, target, model_names)
    plot_data = plot_data.assign(**{TIME: plot_data[TIME].dt.strftime("%Y-%m-%d %H:%M:%S")})
    return plot_data.round(4), figure


# --- helpers -----------------------------------------------------------------------------


def _target(frame: pd.DataFrame, target: str) -> np.ndarray:
    return frame[target].to_numpy(dtype=float)


def _horizon(windows: dict[str, Windows]) -> int:
    return int(windows["train"].targets.shape[1])


def _actual(split: pd.DataFrame, target: str, windows: Windows) -> np.ndarray:
    rows = windows.target_index[:, None] + np.arange(windows.targets.shape[1])[None, :]
    return _target(split, target)[rows]


def _architecture(config: dict[str, Any], windows: dict[str, Windows]) -> dict[str, Any]:
    train = windows["train"]
    return {
        **tslstm.architecture(config),
        "horizon": int(train.targets.shape[1]),
        "target_col": int(train.target_col),
    }


def _predict_lstm(
    state: dict,
    architecture: dict[str, Any],
    windows: Windows,
    scaler: dict[str, Any],
    target: str,
    compute: dict[str, Any],
) -> np.ndarray:
    """Forecasts of an LSTM rebuilt from ``state``, back in the target's units."""
    device = select_device(compute["device"], parameter="timeseries.compute.device")
    model = tslstm.build_model(windows.inputs.shape[2], architecture)
    model.load_state_dict(state)
    with torch_compute(compute["torch_threads"], compute["deterministic"]):
        scaled = tslstm.predict(model.to(device), windows, device)
    return Scaler.from_dict(scaler).inverse_column(scaled, target)


def _forecast_frame(
    split: pd.DataFrame,
    target: str,
    windows: dict[str, Windows],
    model: str,
    forecasts: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per (part, window, step): timestamp, part, model, step, actual, forecast."""
    y = _target(split, target)
    frames = []
    for part, forecast in forecasts.items():
        part_windows = windows[part]
        horizon = part_windows.targets.shape[1]
        rows = (part_windows.target_index[:, None] + np.arange(horizon)[None, :]).ravel()
        frames.append(
            pd.DataFrame(
                {
                    TIME: split[TIME].to_numpy()[rows],
                    PART: part,
                    "model": model,
                    "step": np.tile(np.arange(1, horizon + 1), len(part_windows)),
                    "actual": y[rows],
                    "forecast": np.asarray(forecast, dtype=float).reshape(-1),
                }
            )
        )
    if not frames:  # a skipped model
        return pd.DataFrame(columns=[TIME, PART, "model", "step", "actual", "forecast"])
    return pd.concat(frames, ignore_index=True)


def _windows_sha256(windows: dict[str, Windows]) -> str:
    digest = hashlib.sha256()
    for part in PARTS:
        digest.update(np.ascontiguousarray(windows[part].inputs).tobytes())
        digest.update(np.ascontiguousarray(windows[part].targets).tobytes())
    return digest.hexdigest()


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()}
