"""Data nodes of ``timeseries``: repair, encode, split, scale, choose the window, make windows.

The target column is always found by its name (``params:timeseries.data.target``), never by
position.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.timeseries import data as tsdata
from mlops_pipeline.timeseries.frames import PART, part_bounds, target_values
from mlops_pipeline.timeseries.models import blas_threads
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
from mlops_pipeline.timeseries.window_choice import choose_on_validation

TIME = tsdata.TIME


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
    seasonal period, fixed lags; a configured ``window.seq_len`` is the only one. Test is
    never read. Ties go to the shorter window.
    """
    train_target = target_values(split.loc[split[PART].eq("train")], target)
    acf_rule = choose_seq_len(train_target, window)
    horizon = int(window.get("horizon", 1))
    period = baselines.get("seasonal_period")
    candidates = window_candidates(window, acf_rule["seq_len"], period, len(train_target))
    values, parts = scaled.drop(columns=[TIME, PART]), scaled[PART].to_numpy()
    unit = Scaler.from_dict(scaler).scale[scaler["columns"].index(target)]
    with blas_threads(compute["blas_threads"]):
        seq_len, reason, table = choose_on_validation(
            values.to_numpy(dtype=np.float32),
            {p: part_bounds(parts, p) for p in ("train", "val")},
            candidates,
            baselines["ridge_alphas"],
            horizon,
            values.columns.get_loc(target),
            unit,
        )
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


def make_part_windows(
    scaled: pd.DataFrame, target: str, window: dict[str, Any]
) -> dict[str, Windows]:
    """Leak-free windows per part: every target lies in its part; inputs may reach back."""
    values = scaled.drop(columns=[TIME, PART])
    target_col = values.columns.get_loc(target)
    array, parts = values.to_numpy(dtype=np.float32), scaled[PART].to_numpy()
    out = {}
    for part in PARTS:
        bounds = part_bounds(parts, part)
        out[part] = make_windows(array, bounds, window["seq_len"], window["horizon"], target_col)
        if not len(out[part]):
            raise ValueError(f"no {part} windows: the part is shorter than the horizon")
    return out
