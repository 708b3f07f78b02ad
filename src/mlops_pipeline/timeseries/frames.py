"""Forecast tables: one row per (part, window, step), in the target's units."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .data import TIME
from .prep import PARTS, Windows

PART = "part"
EVAL_PARTS = ("val", "test")
COLUMNS = [TIME, PART, "model", "step", "actual", "forecast"]


def target_values(frame: pd.DataFrame, target: str) -> np.ndarray:
    """The target column as float64, found by its name."""
    return frame[target].to_numpy(dtype=float)


def horizon_of(windows: dict[str, Windows]) -> int:
    """Steps ahead of each window (the width of its targets)."""
    return int(windows["train"].targets.shape[1])


def target_rows(windows: Windows) -> np.ndarray:
    """Row positions ``(n, horizon)`` of every window's targets."""
    return windows.target_index[:, None] + np.arange(windows.targets.shape[1])[None, :]


def actual(split: pd.DataFrame, target: str, windows: Windows) -> np.ndarray:
    """The targets of ``windows`` in the target's units, shape ``(n, horizon)``."""
    return target_values(split, target)[target_rows(windows)]


def part_bounds(parts: np.ndarray, part: str) -> tuple[int, int]:
    """``[start, stop)`` row positions of one part of the ``part`` column."""
    rows = np.flatnonzero(parts == part)
    return int(rows[0]), int(rows[-1]) + 1


def forecast_frame(
    split: pd.DataFrame,
    target: str,
    windows: dict[str, Windows],
    model: str,
    forecasts: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One row per (part, window, step): timestamp, part, model, step, actual, forecast."""
    y = target_values(split, target)
    frames = []
    for part, forecast in forecasts.items():
        part_windows = windows[part]
        horizon = part_windows.targets.shape[1]
        rows = target_rows(part_windows).ravel()
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
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)


def windows_sha256(windows: dict[str, Windows]) -> str:
    """Digest of every part's inputs and targets (the data a model was trained on)."""
    digest = hashlib.sha256()
    for part in PARTS:
        digest.update(np.ascontiguousarray(windows[part].inputs).tobytes())
        digest.update(np.ascontiguousarray(windows[part].targets).tobytes())
    return digest.hexdigest()


def rounded(values: dict) -> dict:
    """Floats rounded to 6 digits (the reports' precision); other values unchanged."""
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()}
