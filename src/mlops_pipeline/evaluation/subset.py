"""A fixed, seeded, label-stratified subset of a fold's rows.

Used where the full fold does not fit the CPU budget: ``train_bert`` trains and validates on
subsets of ``fit``/``val``, ``evaluate`` scores subset-scored models (BERT on CPU) on a subset
of ``test`` and reports every other model's accuracy on the same rows. The draw depends only on
the rows (sorted by ``review_id``), the size and the seed — never on any model or score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def stratified_subset(
    rows: pd.DataFrame, size: int | None, seed: int, label: str = "label", key: str = "review_id"
) -> pd.DataFrame:
    """``size`` rows of ``rows`` with the label shares of ``rows``, sorted by ``key``.

    ``size`` null, or not smaller than ``len(rows)``, gives every row. Each label gets
    ``round(size * share)`` rows (the last label takes the remainder), drawn without replacement
    by ``numpy.random.default_rng(seed)`` from that label's rows in ``key`` order.
    """
    ordered = rows.sort_values(key, kind="stable").reset_index(drop=True)
    if size is None or int(size) >= len(ordered):
        return ordered
    size = int(size)
    if size < 1:
        raise ValueError(f"subset size must be at least 1, got {size}")
    rng = np.random.default_rng(seed)
    values = sorted(ordered[label].unique())
    picked: list[np.ndarray] = []
    remaining = size
    for i, value in enumerate(values):
        index = np.flatnonzero((ordered[label] == value).to_numpy())
        take = remaining if i == len(values) - 1 else int(round(size * len(index) / len(ordered)))
        take = min(take, len(index), remaining)
        picked.append(rng.choice(index, size=take, replace=False))
        remaining -= take
    chosen = np.sort(np.concatenate(picked))
    return ordered.iloc[chosen].reset_index(drop=True)
