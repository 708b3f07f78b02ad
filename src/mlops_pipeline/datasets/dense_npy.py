"""Dense arrays as ``.npy`` (``allow_pickle=False`` both ways)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io import AbstractDataset


class NpyDataset(AbstractDataset[np.ndarray, np.ndarray]):
    """A numeric ``np.ndarray`` in one ``.npy`` file (write-then-rename; ``mmap_mode`` optional)."""

    def __init__(
        self, filepath: str, mmap_mode: str | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        self._filepath = Path(filepath)
        self._mmap_mode = mmap_mode
        self.metadata = metadata

    def load(self) -> np.ndarray:
        return np.load(self._filepath, mmap_mode=self._mmap_mode, allow_pickle=False)

    def save(self, data: np.ndarray) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(f".{self._filepath.stem}.tmp-{os.getpid()}.npy")
        try:
            np.save(tmp, np.asarray(data), allow_pickle=False)
            os.replace(tmp, self._filepath)
        finally:
            tmp.unlink(missing_ok=True)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "mmap_mode": self._mmap_mode}
