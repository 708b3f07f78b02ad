"""Chronological split, train-only scaling, window-length candidates and leak-free windows."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.stattools import acf

from mlops_pipeline.errors import UserInputError

logger = logging.getLogger(__name__)

PARTS = ("train", "val", "test")


def split_bounds(n: int, train: float = 0.70, val: float = 0.15) -> dict[str, tuple[int, int]]:
    """``[start, stop)`` positions of train / val / test, in time order, never shuffled."""
    if not (0 < train < 1 and 0 < val < 1 and train + val < 1):
        raise UserInputError(
            f"timeseries.split: train and val shares must be positive and sum below 1 (test is "
            f"the rest), got train={train}, val={val}"
        )
    n_train, n_val = int(round(n * train)), int(round(n * val))
    if min(n_train, n_val, n - n_train - n_val) < 1:
        raise UserInputError(
            f"{n} rows are too few for a {train}/{val}/rest split: use a longer series"
        )
    return {
        "train": (0, n_train),
        "val": (n_train, n_train + n_val),
        "test": (n_train + n_val, n),
    }


def required_test_points(checks: dict[str, Any], seasonal_period: int | None) -> int:
    """``max(min_test_points, ceil(min_test_seasons * seasonal_period))``."""
    seasons = float(checks.get("min_test_seasons", 0) or 0) * float(seasonal_period or 0)
    return max(int(checks.get("min_test_points", 1)), math.ceil(seasons))


def check_test_points(n_test: int, checks: dict[str, Any], seasonal_period: int | None) -> None:
    """Refuse to rank models on too few test points (``timeseries.checks``).

    The minimum is ``min_test_points``, or ``min_test_seasons`` seasons of
    ``baselines.seasonal_period`` rows when that is more. A user who accepts a thin test part
    lowers the parameters knowingly (``--params``).
    """
    needed = required_test_points(checks, seasonal_period)
    if n_test >= needed:
        return
    points = int(checks.get("min_test_points", 1))
    seasons = float(checks.get("min_test_seasons", 0) or 0)
    season_points = math.ceil(seasons * (seasonal_period or 0))
    rule = f"timeseries.checks.min_test_points={points}"
    accept = f"timeseries.checks.min_test_points={n_test}"
    if seasons and seasonal_period:
        rule = (
            f"max({rule}, timeseries.checks.min_test_seasons={seasons:g} x "
            f"timeseries.baselines.seasonal_period={seasonal_period} = {season_points})"
        )
    if season_points > n_test:
        accept += ",timeseries.checks.min_test_seasons=0"
    raise UserInputError(
        f"only {n_test} test points (the last part of the chronological split), below the "
        f"{needed} required by {rule}: too few to rank models. Use a longer series or a larger "
        f'test share (timeseries.split), or accept it with --params "{accept}"'
    )


def part_labels(bounds: dict[str, tuple[int, int]]) -> np.ndarray:
    """One part name per row."""
    n = max(stop for _, stop in bounds.values())
    labels = np.empty(n, dtype=object)
    for part, (start, stop) in bounds.items():
        labels[start:stop] = part
    return labels


class Scaler:
    """Per-column MinMax (to [0, 1]) or Standard scaling, fit on the training rows only."""

    def __init__(self, kind: str = "minmax") -> None:
        if kind not in {"minmax", "standard"}:
            raise ValueError(f"timeseries.scaler: unknown kind {kind!r} (minmax | standard)")
        self.kind = kind
        self.offset: np.ndarray | None = None
        self.scale: np.ndarray | None = None
        self.columns: list[str] = []

    def fit(self, frame: pd.DataFrame) -> Scaler:
        values = frame.to_numpy(dtype=float)
        if self.kind == "minmax":
            offset, span = values.min(axis=0), values.max(axis=0) - values.min(axis=0)
        else:
            offset, span = values.mean(axis=0), values.std(axis=0)
        self.offset, self.scale = offset, np.where(span > 0, span, 1.0)
        self.columns = list(frame.columns)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return (frame[self.columns] - self.offset) / self.scale

    def inverse_column(self, values: np.ndarray, column: str) -> np.ndarray:
        """Back to original units for the column named ``column`` (e.g. the target)."""
        index = self.columns.index(column)
        return np.asarray(values, dtype=float) * self.scale[index] + self.offset[index]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "columns": self.columns,
            "offset": [float(v) for v in self.offset],
            "scale": [float(v) for v in self.scale],
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Scaler:
        scaler = cls(state["kind"])
        scaler.columns = list(state["columns"])
        scaler.offset = np.asarray(state["offset"], dtype=float)
        scaler.scale = np.asarray(state["scale"], dtype=float)
        return scaler


def choose_seq_len(train_target: np.ndarray, window: dict[str, Any]) -> dict[str, Any]:
    """The ACF rule: the first lag whose ACF (train part only) is below the threshold, bounded.

    One candidate among those of :func:`window_candidates`. A configured ``seq_len`` wins.
    When the ACF never drops below the threshold within ``max_seq_len`` lags (trend, strong
    seasonality) the maximum is used.
    """
    threshold = float(window.get("acf_threshold", 0.5))
    lo, hi = int(window.get("min_seq_len", 1)), int(window.get("max_seq_len", 60))
    nlags = int(min(max(window.get("acf_nlags", 0) or 0, hi * 2), len(train_target) - 1))
    values = acf(np.asarray(train_target, dtype=float), nlags=nlags, fft=True)
    below = np.flatnonzero(values[1:] < threshold)
    crossing = int(below[0]) + 1 if below.size else None
    fixed = window.get("seq_len")
    if fixed:
        seq_len, reason = int(fixed), "fixed by timeseries.window.seq_len"
    elif crossing is None:
        seq_len, reason = hi, f"ACF never below {threshold} within {nlags} lags: max_seq_len"
    else:
        seq_len = int(np.clip(crossing, lo, hi))
        reason = f"first lag with ACF < {threshold}" + (
            "" if seq_len == crossing else f" ({crossing}) clipped to [{lo}, {hi}]"
        )
    logger.info("SEQ_LEN = %d (%s)", seq_len, reason)
    return {
        "seq_len": seq_len,
        "reason": reason,
        "acf_threshold": threshold,
        "acf_crossing_lag": crossing,
        "min_seq_len": lo,
        "max_seq_len": hi,
        "horizon": int(window.get("horizon", 1)),
        "acf": [round(float(v), 6) for v in values],
    }


def as_numbers(value: Any, kind: type = float) -> list:
    """A list of numbers from a list, one number, or ``"7+14+30"`` (``--params`` spelling)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[+|\s]+", value.strip()) if part]
    elif not isinstance(value, list | tuple):
        value = [value]
    return [kind(float(v)) if kind is int else kind(v) for v in value]


def window_candidates(
    window: dict[str, Any], acf_seq_len: int, seasonal_period: int | None, n_train: int
) -> dict[str, int]:
    """Candidate window lengths by name: ``acf``, ``season_<f>`` and ``lags_<n>``.

    ``acf`` is the ACF rule (:func:`choose_seq_len`); ``season_<f>`` is ``f`` times
    ``baselines.seasonal_period``; ``lags_<n>`` a fixed length. Each is bounded to
    ``[min_seq_len, max_seq_len]`` and to half the training rows (so at least half of them are
    training targets). A configured ``window.seq_len`` is the only candidate (``fixed``).
    """
    fixed = window.get("seq_len")
    if fixed:
        return {"fixed": int(fixed)}
    lo, hi = int(window.get("min_seq_len", 1)), int(window.get("max_seq_len", 60))
    hi = max(lo, min(hi, n_train // 2))
    spec = window.get("candidates") or {"acf": True}
    named: dict[str, int] = {}
    if spec.get("acf", True):
        named["acf"] = acf_seq_len
    if seasonal_period:
        for fraction in as_numbers(spec.get("season_fractions")):
            named[f"season_{fraction:g}"] = round(fraction * int(seasonal_period))
    for lags in as_numbers(spec.get("lags"), int):
        named[f"lags_{lags}"] = lags
    if not named:
        raise UserInputError(
            "timeseries.window.candidates: no candidate window (acf false, no lags, no "
            "season_fractions or no seasonal_period); enable one or set timeseries.window.seq_len"
        )
    return {name: int(np.clip(length, lo, hi)) for name, length in named.items()}


@dataclass(frozen=True)
class Windows:
    """Sliding windows of one part: ``inputs[i] = values[t-seq_len:t]``, targets from ``t``."""

    inputs: np.ndarray  # (n, seq_len, n_features), scaled
    targets: np.ndarray  # (n, horizon), scaled target column
    target_index: np.ndarray  # (n,) row position t of the first target
    target_col: int = 0  # position of the target among the input features

    def __len__(self) -> int:
        return len(self.target_index)


def make_windows(
    values: np.ndarray, bounds: tuple[int, int], seq_len: int, horizon: int = 1, target_col: int = 0
) -> Windows:
    """Windows whose every target row lies in ``[start, stop)``.

    Inputs may reach back before ``start`` (earlier data is the past, not a leak); targets
    never leave the part, so no val/test value is ever a training target and vice versa.
    """
    start, stop = bounds
    values = np.asarray(values, dtype=np.float32)
    first, last = max(start, seq_len), stop - horizon  # t in [first, last]
    if last < first:
        empty = np.empty((0, seq_len, values.shape[1]), dtype=np.float32)
        targets = np.empty((0, horizon), np.float32)
        return Windows(empty, targets, np.empty(0, dtype=int), target_col)
    index = np.arange(first, last + 1)
    view = np.lib.stride_tricks.sliding_window_view(values, seq_len, axis=0)  # (n-L+1, f, L)
    inputs = np.ascontiguousarray(view[index - seq_len].transpose(0, 2, 1))
    targets = np.stack([values[index + k, target_col] for k in range(horizon)], axis=1)
    return Windows(inputs, targets, index, target_col)
