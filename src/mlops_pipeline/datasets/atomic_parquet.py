"""Parquet dataset whose local saves go through :func:`mlops_pipeline.atomic_io.atomic_file`."""

from __future__ import annotations

import pandas as pd
from kedro_datasets.pandas import ParquetDataset

from mlops_pipeline.atomic_io import atomic_file


class AtomicParquetDataset(ParquetDataset):
    """``pandas.ParquetDataset`` whose save is write-then-rename on the local filesystem.

    A run that fails while writing (disk full, killed) leaves the previous file intact.
    Remote protocols and versioned datasets keep ``ParquetDataset``'s own save.
    """

    def save(self, data: pd.DataFrame) -> None:
        if self._protocol != "file" or self._version is not None:
            super().save(data)
            return
        with atomic_file(self._filepath) as tmp:
            data.to_parquet(tmp, **self._save_args)
        self._invalidate_cache()
