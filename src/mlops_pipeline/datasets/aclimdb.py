"""Read-only dataset for the raw ``aclImdb`` release (archive or extracted folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from .imdb_archive import read_aclimdb


class AclImdbDataset(AbstractDataset[None, pd.DataFrame]):
    """Loads ``aclImdb_v1.tar.gz`` (or an extracted ``aclImdb/`` folder) as raw review rows.

    ``filepath`` may point at the archive or at the folder; the layout is validated on load
    (see :func:`mlops_pipeline.datasets.imdb_archive.read_aclimdb`).
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        return read_aclimdb(self._filepath)

    def save(self, data: None) -> None:
        raise DatasetError("AclImdbDataset is read-only; `make data` writes the archive.")

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
