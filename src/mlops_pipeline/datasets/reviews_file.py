"""Kedro dataset for a user's batch of reviews: CSV, parquet or JSON Lines chosen by suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset

from mlops_pipeline.scoring.review_files import read_reviews, write_reviews


class ReviewsFileDataset(AbstractDataset[pd.DataFrame, pd.DataFrame]):
    """A table of reviews (``id``, ``text``, optional ``label``) read by file suffix
    (``.csv``, ``.parquet``/``.pq``, ``.jsonl``/``.ndjson``/``.json``).

    The loaded frame carries its path in ``frame.attrs["source"]`` (the batch name comes
    from it). Saves are atomic. Columns are not checked here: validation
    (:func:`mlops_pipeline.scoring.validate_reviews`) names what is missing.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        return read_reviews(self._filepath)

    def save(self, data: pd.DataFrame) -> None:
        write_reviews(data, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
