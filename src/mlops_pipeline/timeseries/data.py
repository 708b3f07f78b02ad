"""Validate a dated series (read by the catalog), repair its gaps, encode its features."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

TIME = "timestamp"
DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")


def as_names(value: str | Sequence[str] | None) -> list[str]:
    """Column names from a list or from one string separated by ``+``, ``|`` or spaces.

    ``kedro run --params`` splits on commas, so ``date_columns=year+month+day+hour`` is the
    command-line spelling of ``[year, month, day, hour]``.
    """
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[+|\s]+", value.strip()) if part]
    return [str(part) for part in value]


def parse_dates(raw: pd.DataFrame, date_columns: list[str], date_format: str | None) -> pd.Series:
    """One date column, or several parts (``year, month, day, hour``) assembled in order."""
    missing = [c for c in date_columns if c not in raw.columns]
    if not date_columns or missing:
        raise KeyError(
            f"timeseries.data.date_columns {date_columns} not in the data "
            f"(columns: {list(raw.columns)})"
        )
    if len(date_columns) == 1:
        return pd.to_datetime(raw[date_columns[0]], format=date_format)
    if len(date_columns) > len(DATE_PARTS):
        raise ValueError(f"at most {len(DATE_PARTS)} date parts, got {date_columns}")
    parts = raw[date_columns].set_axis(list(DATE_PARTS[: len(date_columns)]), axis=1)
    return pd.to_datetime(parts)


def to_numeric(column: pd.Series, name: str) -> pd.Series:
    """Numeric values; a non-numeric entry raises an error naming its row."""
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(
            f"column {name!r}: non-numeric value {column.loc[row]!r} at row {row} "
            f"(data line {row + 2} of a CSV with a header); {int(bad.sum())} such row(s)"
        )
    return values.astype(float)


def resolve_freq(index: pd.DatetimeIndex, freq: str | None) -> str:
    """The configured frequency, or one inferred from the most common step."""
    if freq:
        return freq
    inferred = pd.infer_freq(index[: min(len(index), 500)]) if len(index) >= 3 else None
    if inferred:
        return inferred
    step = pd.Series(index).diff().dropna().mode()
    if step.empty:
        raise ValueError("cannot infer the frequency: set timeseries.data.freq")
    return pd.tseries.frequencies.to_offset(step.iloc[0]).freqstr


def validate_and_repair(
    raw: pd.DataFrame, data: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse dates, sort, handle duplicates, re-grid to the frequency and fill gaps.

    Returns a frame with ``timestamp``, the target, then covariates, and a report counting what
    was filled (interior gaps, interpolated or forward-filled) and dropped (leading/trailing
    target gaps that cannot be interpolated).
    """
    target = data["target"]
    numeric = as_names(data.get("covariates"))
    categorical = as_names(data.get("categorical_covariates"))
    columns = [target, *numeric, *categorical]
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the data (columns: {list(raw.columns)})")
    dates = parse_dates(raw, as_names(data["date_columns"]), data.get("date_format"))
    frame = pd.DataFrame({TIME: dates})
    for name in [target, *numeric]:
        frame[name] = to_numeric(raw[name], name)
    for name in categorical:
        frame[name] = raw[name].astype("string")
    if frame[TIME].isna().any():
        raise ValueError(f"unparseable date at row {int(frame[TIME].isna().idxmax())}")

    was_sorted = bool(frame[TIME].is_monotonic_increasing)
    frame = frame.sort_values(TIME, kind="stable").reset_index(drop=True)
    frame, n_duplicates = _handle_duplicates(frame, data.get("duplicates", "error"), categorical)

    freq = resolve_freq(pd.DatetimeIndex(frame[TIME]), data.get("freq"))
    grid = pd.date_range(frame[TIME].iloc[0], frame[TIME].iloc[-1], freq=freq)
    off_grid = int((~frame[TIME].isin(grid)).sum())
    if off_grid:
        raise ValueError(
            f"{off_grid} timestamps are not on the {freq!r} grid starting at "
            f"{frame[TIME].iloc[0]} (first: {frame.loc[~frame[TIME].isin(grid), TIME].iloc[0]}); "
            "set timeseries.data.freq to the series' frequency"
        )
    regridded = frame.set_index(TIME).reindex(grid).rename_axis(TIME)
    missing_timestamps = len(grid) - len(frame)

    # Leading/trailing target gaps cannot be interpolated: drop them, count them.
    present = regridded[target].notna().to_numpy()
    if not present.any():
        raise ValueError(f"target {target!r} has no values")
    first, last = int(np.argmax(present)), len(present) - int(np.argmax(present[::-1]))
    trimmed = regridded.iloc[first:last].copy()
    filled = {name: int(trimmed[name].isna().sum()) for name in columns}
    method = data.get("fill_method", "interpolate")
    trimmed = _fill(trimmed, [target, *numeric], categorical, method)
    if trimmed[columns].isna().any().any():
        raise ValueError("gaps remain after filling (a covariate with no values at the edges?)")

    report = {
        "rows_in": int(len(raw)),
        "rows_out": int(len(trimmed)),
        "was_sorted": was_sorted,
        "duplicates": int(n_duplicates),
        "freq": freq,
        "start": str(trimmed.index[0]),
        "end": str(trimmed.index[-1]),
        "missing_timestamps": int(missing_timestamps),
        "fill_method": method,
        "filled_points": filled,
        "target_filled": filled[target],
        "longest_target_gap": _longest_run(regridded[target].iloc[first:last].isna().to_numpy()),
        "dropped_leading": int(first),
        "dropped_trailing": int(len(present) - last),
    }
    logger.info(
        "Series: %d rows, freq %s, %d missing timestamps, %d target points filled (%s), "
        "%d leading / %d trailing dropped",
        report["rows_out"],
        freq,
        missing_timestamps,
        filled[target],
        method,
        report["dropped_leading"],
        report["dropped_trailing"],
    )
    return trimmed.reset_index(), report


def _handle_duplicates(
    frame: pd.DataFrame, how: str, categorical: list[str]
) -> tuple[pd.DataFrame, int]:
    dup = frame[TIME].duplicated(keep=False)
    n = int(frame[TIME].duplicated().sum())
    if not n:
        return frame, 0
    if how == "error":
        stamps = frame.loc[dup, TIME].drop_duplicates().astype(str).tolist()
        raise ValueError(
            f"{n} duplicated timestamp(s), e.g. {stamps[:3]}; set "
            "timeseries.data.duplicates to mean | first | last to aggregate them"
        )
    if how not in {"mean", "first", "last"}:
        raise ValueError(f"timeseries.data.duplicates: unknown policy {how!r}")
    agg = {c: ("last" if how == "last" else "first") if c in categorical else how for c in frame}
    agg.pop(TIME)
    logger.warning("Aggregated %d duplicated timestamps with %r", n, how)
    return frame.groupby(TIME, as_index=False, sort=True).agg(agg), n


def _fill(frame: pd.DataFrame, numeric: list[str], categorical: list[str], method: str):
    if method == "interpolate":
        frame[numeric] = frame[numeric].interpolate(method="time", limit_direction="both")
    elif method == "ffill":
        frame[numeric] = frame[numeric].ffill().bfill()
    else:
        raise ValueError(f"timeseries.data.fill_method: unknown method {method!r}")
    if categorical:
        frame[categorical] = frame[categorical].ffill().bfill()
    return frame


def _longest_run(flags: np.ndarray) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return int(best)


def encode_features(series: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """``timestamp``, the target first, numeric covariates, then one-hot categorical columns."""
    target = data["target"]
    numeric = as_names(data.get("covariates"))
    categorical = as_names(data.get("categorical_covariates"))
    parts = [series[[TIME, target, *numeric]]]
    for name in categorical:
        dummies = pd.get_dummies(series[name], prefix=name, prefix_sep="=", dtype=float)
        parts.append(dummies.reindex(sorted(dummies.columns), axis=1))
    return pd.concat(parts, axis=1)
