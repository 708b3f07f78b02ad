"""PyTorch ``state_dict`` files: safe load, atomic and byte-reproducible save."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset

from mlops_pipeline.atomic_io import atomic_file


class TorchStateDictDataset(AbstractDataset[dict, dict]):
    """A ``state_dict`` (name -> tensor) in one ``torch.save`` file.

    Saved through :func:`~mlops_pipeline.atomic_io.atomic_file`; serialised in memory first,
    because ``torch.save`` names the archive inside the zip after the file it writes to (the
    temporary name would make every save's bytes differ). Loaded with ``weights_only=True``,
    so loading never unpickles arbitrary objects. ``torch`` is imported on first use only.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> dict:
        import torch

        return torch.load(self._filepath, map_location="cpu", weights_only=True)

    def save(self, data: dict) -> None:
        import torch

        buffer = io.BytesIO()
        torch.save({k: v.detach().cpu() for k, v in data.items()}, buffer)
        with atomic_file(self._filepath) as tmp:
            tmp.write_bytes(buffer.getvalue())

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
