"""Kedro dataset for per-batch output folders (``<path>/<batch>/<file>``), written file by file
through :func:`mlops_pipeline.atomic_io.atomic_file`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from mlops_pipeline.atomic_io import atomic_file

_BATCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SUFFIXES = (".parquet", ".json", ".html", ".csv")


def _write(path: Path, value: Any) -> None:
    with atomic_file(path) as tmp:
        if path.suffix == ".parquet":
            value.to_parquet(tmp, index=False)
        elif path.suffix == ".csv":
            value.to_csv(tmp, index=False)
        elif path.suffix == ".json":
            tmp.write_text(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n")
        else:
            tmp.write_text(value, encoding="utf-8")


def _read(path: Path) -> Any:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".json":
        return json.loads(path.read_text())
    return path.read_text(encoding="utf-8")


class BatchFilesDataset(AbstractDataset[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]):
    """Saves ``{batch: {file_name: value}}`` as ``<path>/<batch>/<file_name>``.

    The value type follows the suffix: DataFrame for ``.parquet``/``.csv``, JSON-serialisable
    for ``.json``, str for ``.html``. Each file is replaced in one rename, so a crash while
    writing leaves the previous file of that name intact; other files of the batch folder are
    left alone. ``load`` reads every batch folder back the same way.
    """

    def __init__(self, path: str, metadata: dict[str, Any] | None = None) -> None:
        self._path = Path(path)
        self.metadata = metadata

    def save(self, data: dict[str, dict[str, Any]]) -> None:
        for batch, files in data.items():
            if not _BATCH.match(batch):
                raise DatasetError(f"batch name {batch!r} must match {_BATCH.pattern}")
            for name, value in files.items():
                path = self._path / batch / name
                if path.suffix not in SUFFIXES or Path(name).name != name:
                    raise DatasetError(f"{name!r}: a plain file name ending in one of {SUFFIXES}")
                _write(path, value)

    def load(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for folder in sorted(p for p in self._path.glob("*") if p.is_dir()):
            if folder.name.startswith("."):
                continue
            files = sorted(
                p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
            )
            out[folder.name] = {p.name: _read(p) for p in files}
        return out

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}
