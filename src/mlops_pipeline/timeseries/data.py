"""Validate a dated series (read by the catalog), repair its gaps, encode its features."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.errors import UserInputError

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


def source_name(raw: pd.DataFrame) -> str:
    """The file the frame was read from (``attrs["filepath"]``, set by the catalog dataset)."""
    return str(raw.attrs.get("filepath", "the series"))


def _line(row: Any) -> str:
    """Where a row of a CSV read with a header is, for a person opening the file."""
    if isinstance(row, int | np.integer):
        return f"row {row} (line {row + 2} of the file)"
    return f"row {row}"


def parse_dates(
    raw: pd.DataFrame, date_columns: list[str], date_format: str | None, where: str = "the series"
) -> pd.Series:
    """One date column, or several parts (``year, month, day, hour``) assembled in order.

    A value that is not a date raises a :class:`UserInputError` naming its row.
    """
    missing = [c for c in date_columns if c not in raw.columns]
    if not date_columns or missing:
        raise UserInputError(
            f"{where}: date column(s) {missing or date_columns} not found (columns: "
            f"{list(raw.columns)}); set timeseries.data.date_columns to the date column, or to "
            "its parts as year+month+day+hour"
        )
    if len(date_columns) > len(DATE_PARTS):
        raise UserInputError(
            f"timeseries.data.date_columns: at most {len(DATE_PARTS)} date parts "
            f"({'+'.join(DATE_PARTS)}), got {date_columns}"
        )
    if len(date_columns) == 1:
        source = raw[date_columns[0]]
        try:
            dates = pd.to_datetime(source, format=date_format, errors="coerce")
        except ValueError as exc:  # a malformed format string
            raise UserInputError(
                f"timeseries.data.date_format {date_format!r}: {exc}".splitlines()[0]
            ) from exc
    else:
        source = raw[date_columns].astype("string").agg("-".join, axis=1)
        parts = raw[date_columns].set_axis(list(DATE_PARTS[: len(date_columns)]), axis=1)
        try:
            dates = pd.to_datetime(parts, errors="coerce")
        except ValueError as exc:  # non-numeric parts
            raise UserInputError(
                f"{where}: date parts {date_columns} are not all numbers ({exc}); set "
                "timeseries.data.date_columns to the year, month, day[, hour] columns in order"
            ) from exc
    bad = dates.isna()
    if bad.any():
        row = bad.idxmax()
        value = source.loc[row]
        what = "a missing date" if pd.isna(value) else f"{value!r}, not a date"
        raise UserInputError(
            f"{where}: {what} at {_line(row)} in {date_columns}; {int(bad.sum())} such row(s). "
            "Fix or drop those rows, or set timeseries.data.date_format (e.g. %Y-%m-%d)"
        )
    return dates


def to_numeric(column: pd.Series, name: str, where: str = "the series") -> pd.Series:
    """Finite numbers or NA; a non-numeric or infinite entry raises an error naming its row."""
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna()
    if bad.any():
        row = bad.idxmax()
        raise UserInputError(
            f"{where}: column {name!r} holds the non-numeric value {column.loc[row]!r} at "
            f"{_line(row)}; {int(bad.sum())} such row(s). Replace them with numbers or leave the "
            "cells empty (empty cells are filled in)"
        )
    infinite = np.isinf(values.to_numpy(dtype=float))
    if infinite.any():
        row = values.index[int(np.argmax(infinite))]
        raise UserInputError(
            f"{where}: column {name!r} holds an infinite value ({values.loc[row]}) at "
            f"{_line(row)}; {int(infinite.sum())} such row(s). Replace them with numbers or leave "
            "the cells empty (empty cells are filled in)"
        )
    return values.astype(float)


def resolve_freq(index: pd.DatetimeIndex, freq: str | None) -> str:
    """The configured frequency, or one inferred from the most common step."""
    if freq:
        try:
            return pd.tseries.frequencies.to_offset(freq).freqstr
        except ValueError as exc:
            raise UserInputError(
                f"timeseries.data.freq {freq!r} is not a pandas frequency; use an offset alias "
                "such as D, h, W-SAT, MS, or null to infer it from the dates"
            ) from exc
    inferred = pd.infer_freq(index[: min(len(index), 500)]) if len(index) >= 3 else None
    if inferred:
        return inferred
    step = pd.Series(index).diff().dropna().mode()
    if step.empty:
        raise UserInputError("cannot infer the frequency: set timeseries.data.freq (e.g. D or h)")
    return pd.tseries.frequencies.to_offset(step.iloc[0]).freqstr


def validate_and_repair(
    raw: pd.DataFrame, data: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse dates, sort, handle duplicates, re-grid to the frequency and fill gaps.

    Returns a frame with ``timestamp``, the target, then covariates, and a report counting what
    was filled (interior gaps, interpolated or forward-filled) and dropped (leading/trailing
    target gaps that cannot be interpolated).
    """
    where = source_name(raw)
    if raw.empty:
        found = (
            f"a header ({', '.join(map(str, raw.columns))}) but no data rows"
            if len(raw.columns)
            else "the file is empty (no header, no rows)"
        )
        raise UserInputError(
            f"{where}: {found}; write a header line and one row per timestamp, or point "
            "timeseries.data.filepath at another CSV"
        )
    target = data["target"]
    numeric = as_names(data.get("covariates"))
    categorical = as_names(data.get("categorical_covariates"))
    columns = [target, *numeric, *categorical]
    for key, names in (
        ("target", [target]),
        ("covariates", numeric),
        ("categorical_covariates", categorical),
    ):
        missing = [c for c in names if c not in raw.columns]
        if missing:
            raise UserInputError(
                f"{where}: column(s) {missing} not found (columns: {list(raw.columns)}); set "
                f"timeseries.data.{key} to column(s) of the file"
            )
    dates = parse_dates(raw, as_names(data["date_columns"]), data.get("date_format"), where)
    frame = pd.DataFrame({TIME: dates})
    for name in [target, *numeric]:
        frame[name] = to_numeric(raw[name], name, where)
    for name in categorical:
        frame[name] = raw[name].astype("string")

    was_sorted = bool(frame[TIME].is_monotonic_increasing)
    frame = frame.sort_values(TIME, kind="stable").reset_index(drop=True)
    frame, n_duplicates = _handle_duplicates(
        frame, data.get("duplicates", "error"), categorical, where
    )

    freq = resolve_freq(pd.DatetimeIndex(frame[TIME]), data.get("freq"))
    grid = pd.date_range(frame[TIME].iloc[0], frame[TIME].iloc[-1], freq=freq)
    off_grid = int((~frame[TIME].isin(grid)).sum())
    if off_grid:
        raise UserInputError(
            f"{where}: {off_grid} timestamps are not on the {freq!r} grid starting at "
            f"{frame[TIME].iloc[0]} (first: {frame.loc[~frame[TIME].isin(grid), TIME].iloc[0]}); "
            "set timeseries.data.freq to the series' frequency"
        )
    regridded = frame.set_index(TIME).reindex(grid).rename_axis(TIME)
    missing_timestamps = len(grid) - len(frame)

    # Leading/trailing target gaps cannot be interpolated: drop them, count them.
    present = regridded[target].notna().to_numpy()
    if not present.any():
        raise UserInputError(
            f"{where}: the target column {target!r} has no values; set timeseries.data.target"
        )
    first, last = int(np.argmax(present)), len(present) - int(np.argmax(present[::-1]))
    trimmed = regridded.iloc[first:last].copy()
    filled = {name: int(trimmed[name].isna().sum()) for name in columns}
    method = data.get("fill_method", "interpolate")
    trimmed = _fill(trimmed, [target, *numeric], categorical, method)
    if trimmed[columns].isna().any().any():
        empty = [c for c in columns if trimmed[c].isna().all()]
        raise UserInputError(
            f"{where}: covariate(s) {empty} have no values where the target has; drop them from "
            "timeseries.data.covariates / categorical_covariates"
        )

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
        "filled_share": {name: round(n / len(trimmed), 6) for name, n in filled.items()},
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


def check_filled_share(report: dict[str, Any], max_share: float, where: str = "the series") -> None:
    """Refuse a series whose columns are mostly invented by the gap filling.

    The share of filled points of the worst column (target or covariate) must not exceed
    ``timeseries.checks.max_filled_share``; a user who knows better raises that parameter.
    """
    shares = report["filled_share"]
    column = max(shares, key=shares.get)  # ties: the target, listed first
    share = shares[column]
    if share <= max_share:
        return
    accept = math.ceil(share * 100) / 100
    raise UserInputError(
        f"{where}: {share:.1%} of column {column!r} is filled in "
        f"({report['filled_points'][column]} of {report['rows_out']} points on the "
        f"{report['freq']!r} grid; limit timeseries.checks.max_filled_share={max_share}); check "
        f"timeseries.data.freq against the data's own step, or accept it with --params "
        f"timeseries.checks.max_filled_share={accept}"
    )


def _handle_duplicates(
    frame: pd.DataFrame, how: str, categorical: list[str], where: str = "the series"
) -> tuple[pd.DataFrame, int]:
    dup = frame[TIME].duplicated(keep=False)
    n = int(frame[TIME].duplicated().sum())
    if not n:
        return frame, 0
    if how == "error":
        stamps = frame.loc[dup, TIME].drop_duplicates().astype(str).tolist()
        raise UserInputError(
            f"{where}: {n} duplicated timestamp(s), e.g. {stamps[:3]}; set "
            "timeseries.data.duplicates to mean | first | last to aggregate them"
        )
    if how not in {"mean", "first", "last"}:
        raise UserInputError(
            f"timeseries.data.duplicates: unknown policy {how!r} (error | mean | first | last)"
        )
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
        raise UserInputError(
            f"timeseries.data.fill_method: unknown method {method!r} (interpolate | ffill)"
        )
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
