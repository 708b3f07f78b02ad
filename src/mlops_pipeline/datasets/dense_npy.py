"""Dense arrays as ``.npy`` (``allow_pickle=False`` both ways)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from kedro.io import AbstractDataset

from mlops_pipeline.atomic_io import atomic_file


class NpyDataset(AbstractDataset[np.ndarray, np.ndarray]):
    """A numeric ``np.ndarray`` in one ``.npy`` file (atomic save; ``mmap_mode`` optional)."""

    def __init__(
        self, filepath: str, mmap_mode: str | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        self._filepath = Path(filepath)
        self._mmap_mode = mmap_mode
        self.metadata = metadata

    def load(self) -> np.ndarray:
        return np.load(self._filepath, mmap_mode=self._mmap_mode, allow_pickle=False)

    def save(self, data: np.ndarray) -> None:
        with atomic_file(self._filepath) as tmp:
            np.save(tmp, np.asarray(data), allow_pickle=False)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "mmap_mode": self._mmap_mode}
