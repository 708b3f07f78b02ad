"""Kedro dataset for a folder of model folders (``data/06_models/<pipeline>/<model_id>/``)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset

from .base import CARD_FILE, TextModel, utc_now
from .discovery import discover_models

logger = logging.getLogger(__name__)

INDEX_FILE = "index.json"


class TextModelsDataset(AbstractDataset[dict[str, TextModel], dict[str, str]]):
    """Saves ``{model_id: TextModel}`` as one sub-folder per model plus ``index.json``.

    Model folders of earlier runs that are no longer produced are removed (only folders with
    a ``model_card.json`` directly under ``path``), so evaluation never scores a stale model.
    ``load`` returns ``{model_id: folder}`` without loading weights; an absent folder loads as
    ``{}`` (a training pipeline that has not run yet is normal for evaluation).
    """

    def __init__(self, path: str, metadata: dict[str, Any] | None = None) -> None:
        self._path = Path(path)
        self.metadata = metadata

    def save(self, data: dict[str, TextModel]) -> None:
        self._path.mkdir(parents=True, exist_ok=True)
        for model_id, model in data.items():
            model.save(self._path / model_id)
            logger.info("saved model %s to %s", model_id, self._path / model_id)
        for stale in self._path.iterdir():
            if stale.is_dir() and (stale / CARD_FILE).exists() and stale.name not in data:
                logger.info("removing stale model folder %s", stale)
                shutil.rmtree(stale)
        index = {"models": sorted(data), "saved_at": utc_now()}
        (self._path / INDEX_FILE).write_text(json.dumps(index, indent=2))

    def load(self) -> dict[str, str]:
        return {folder.name: str(folder) for folder in discover_models(self._path)}

    def _exists(self) -> bool:
        return self._path.exists()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}
