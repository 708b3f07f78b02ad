"""Parquet dataset that writes to a temporary file and renames it into place."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from kedro_datasets.pandas import ParquetDataset


class AtomicParquetDataset(ParquetDataset):
    """``pandas.ParquetDataset`` whose save is write-then-rename on the local filesystem.

    A run that fails while writing (disk full, killed) leaves the previous file intact,
    because ``os.replace`` is atomic within one filesystem.
    """

    def save(self, data: pd.DataFrame) -> None:
        target = Path(self._filepath)
        if self._protocol != "file" or self._version is not None:
            super().save(data)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            data.to_parquet(tmp, **self._save_args)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        self._invalidate_cache()
