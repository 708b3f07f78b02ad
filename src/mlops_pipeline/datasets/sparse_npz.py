"""Sparse matrices as ``.npz`` (``scipy.sparse.save_npz`` / ``load_npz``; no pickle)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import scipy.sparse as sp
from kedro.io import AbstractDataset

from mlops_pipeline.atomic_io import atomic_file


class SparseNpzDataset(AbstractDataset[sp.spmatrix, sp.csr_matrix]):
    """Saves any scipy sparse matrix as CSR ``.npz`` (atomic save); loads a ``csr_matrix``.

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
        with atomic_file(self._filepath) as tmp:
            sp.save_npz(tmp, sp.csr_matrix(data), compressed=self._compressed)

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "compressed": self._compressed}
