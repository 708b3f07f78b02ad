"""Kedro dataset for a folder of model folders (``data/06_models/<pipeline>/<model_id>/``)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.models.base import CARD_FILE, TextModel
from mlops_pipeline.models.discovery import ModelHandle, discover_models

logger = logging.getLogger(__name__)

INDEX_FILE = "index.json"


class TextModelsDataset(AbstractDataset[dict[str, TextModel], dict[str, ModelHandle]]):
    """Saves ``{model_id: TextModel}`` as one sub-folder per model plus ``index.json``;
    loads ``{model_id: ModelHandle}`` (lazy: a handle reads the card or the weights on demand).

    This is how models travel between pipelines: ``evaluate``, ``drift`` and ``score`` take
    each training pipeline's ``<pipeline>_models`` entry as an input, so the graph (kedro-viz)
    and DVC see the dependency. Each model folder is written atomically by the model's own
    ``save``; folders of earlier runs that are no longer produced (folders with a
    ``model_card.json`` directly under ``path``) are removed, so nothing stale is scored.
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
        with atomic_file(self._path / INDEX_FILE) as tmp:
            tmp.write_text(json.dumps({"models": sorted(data)}, indent=2))

    def load(self) -> dict[str, ModelHandle]:
        handles = {}
        for folder in discover_models(self._path):
            model_id = folder.name
            if model_id in handles:
                raise ValueError(f"{self._path}: two model folders named {model_id!r}")
            handles[model_id] = ModelHandle(model_id, folder)
        if not handles:
            raise FileNotFoundError(
                f"no model folder under {self._path}: run its training pipeline first "
                f"(kedro run --pipelines {self._path.name})"
            )
        return handles

    def _exists(self) -> bool:
        return (self._path / INDEX_FILE).exists()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path)}
