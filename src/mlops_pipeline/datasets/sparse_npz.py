"""Sparse matrices as ``.npz`` (``scipy.sparse.save_npz`` / ``load_npz``; no pickle)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import scipy.sparse as sp
from kedro.io import AbstractDataset


class SparseNpzDataset(AbstractDataset[sp.spmatrix, sp.csr_matrix]):
    """Saves any scipy sparse matrix as CSR ``.npz`` (write-then-rename); loads a ``csr_matrix``.

    Args:
        filepath: the ``.npz`` file.
        compressed: zip-compress the arrays (smaller, slower); default ``True``.
    """

    def __init__(
        self, filepath: str, compressed: bool = True, metadata: dict[str, Any] | None = None
    ) -> None:
        self._filepath = Path(filepath)
        self._compressed = compressed
        self.metadata = metadata

    def load(self) -> sp.csr_matrix:
        return sp.csr_matrix(sp.load_npz(self._filepath))

    def save(self, data: sp.spmatrix) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(f".{self._filepath.stem}.tmp-{os.getpid()}.npz")
        try:
            sp.save_npz(tmp, sp.csr_matrix(data), compressed=self._compressed)
            os.replace(tmp, self._filepath)
        finally:
            tmp.unlink(missing_ok=True)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "compressed": self._compressed}
