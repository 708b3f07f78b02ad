"""Kedro dataset for per-run output folders (``<path>/<run>/<file>``), each written whole
through :func:`mlops_pipeline.atomic_io.atomic_directory` and never replaced."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from mlops_pipeline.atomic_io import atomic_directory

_BATCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SUFFIXES = (".parquet", ".json", ".html", ".md", ".csv")


def _write(path: Path, value: Any) -> None:
    if path.suffix == ".parquet":
        value.to_parquet(path, index=False)
    elif path.suffix == ".csv":
        value.to_csv(path, index=False)
    elif path.suffix == ".json":
        path.write_text(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n")
    else:
        path.write_text(value, encoding="utf-8")


def _read(path: Path) -> Any:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".json":
        return json.loads(path.read_text())
    return path.read_text(encoding="utf-8")


class BatchFilesDataset(AbstractDataset[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]):
    """Saves ``{run: {file_name: value}}`` as the folder ``<path>/<run>/`` holding those files.

    The value type follows the suffix: DataFrame for ``.parquet``/``.csv``, JSON-serialisable
    for ``.json``, str for ``.html`` and ``.md``. A run folder is written whole: its files go
    to a hidden temporary folder that is renamed into place once all are written, so a crash
    leaves no folder (and no half file) behind. An existing run folder is never replaced or added to:
    saving it again is a :class:`DatasetError` (the ``score`` run names never collide, see
    :func:`mlops_pipeline.scoring.run_name`). ``load`` reads every run folder back the same way
    (hidden temporary folders skipped).
    """

    def __init__(self, path: str, metadata: dict[str, Any] | None = None) -> None:
        self._path = Path(path)
        self.metadata = metadata

    def save(self, data: dict[str, dict[str, Any]]) -> None:
        for run, files in data.items():
            if not _BATCH.match(run):
                raise DatasetError(f"run folder name {run!r} must match {_BATCH.pattern}")
            for name in files:
                if Path(name).suffix not in SUFFIXES or Path(name).name != name:
                    raise DatasetError(f"{name!r}: a plain file name ending in one of {SUFFIXES}")
            target = self._path / run
            if target.exists():
                raise DatasetError(f"{target} exists: run folders are never replaced")
            try:
                with atomic_directory(target, replace=False) as tmp:
                    for name, value in files.items():
                        _write(tmp / name, value)
            except FileExistsError as exc:
                raise DatasetError(f"{target} exists: run folders are never replaced") from exc

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
