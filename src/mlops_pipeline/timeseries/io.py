"""A Kedro dataset for PyTorch ``state_dict`` files (safe load, atomic save)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from kedro.io import AbstractDataset


class TorchStateDictDataset(AbstractDataset[dict, dict]):
    """``torch.save(state_dict)`` to a temporary file renamed into place;
    ``torch.load(..., weights_only=True)`` so loading never unpickles arbitrary objects."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> dict:
        return torch.load(self._filepath, map_location="cpu", weights_only=True)

    def save(self, data: dict) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._filepath.with_name(f".{self._filepath.name}.tmp-{os.getpid()}")
        try:
            torch.save({k: v.detach().cpu() for k, v in data.items()}, tmp)
            os.replace(tmp, self._filepath)
        finally:
            tmp.unlink(missing_ok=True)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
