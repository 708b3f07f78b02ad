"""Registry-free model discovery: every folder holding a ``model_card.json`` is a model.

A card names the class that reads its folder (``interface: "module:Class"``). Only classes
inside this package (``mlops_pipeline.``) that subclass :class:`TextModel` are accepted, so a
folder cannot make the loader import arbitrary code; the class's own ``load`` reads safe
formats only. Later LSTM/BERT models appear here without changes to the evaluation.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .base import CARD_FILE, ModelCard, TextModel, read_card

logger = logging.getLogger(__name__)

ALLOWED_PREFIX = "mlops_pipeline."

#: The models dataset of every training pipeline: what ``evaluate`` scores, the ensemble's
#: candidate members and the champion's candidates (``drift``, ``score``). A new training
#: pipeline joins here (docs/models.md): its ``<pipeline>_models`` catalog entry is a
#: :class:`mlops_pipeline.datasets.TextModelsDataset`.
MODEL_INPUTS = [
    "train_classical_models",
    "train_lstm_models",
    "train_bert_models",
    "train_ensemble_models",
]
#: Catalog names: ``<pipeline>_models`` and its ``<pipeline>_val_predictions``.
MODELS_SUFFIX = "_models"
VAL_SUFFIX = "_val_predictions"


def val_predictions_name(models_name: str) -> str:
    """``train_lstm_val_predictions`` for ``train_lstm_models``."""
    return models_name.removesuffix(MODELS_SUFFIX) + VAL_SUFFIX


def champion_inputs(model_inputs: list[str] | None = None) -> dict[str, str]:
    """Node inputs of the champion choice (:func:`mlops_pipeline.models.champion.choose_champion`):
    ``{name: name}`` for every ``<pipeline>_models`` of ``model_inputs`` (default
    :data:`MODEL_INPUTS`) and its ``<pipeline>_val_predictions``."""
    names = list(model_inputs or MODEL_INPUTS)
    vals = [val_predictions_name(n) for n in names]
    return {n: n for n in names + vals}


def _declares_interface(card_path: Path) -> bool:
    """True for the card of a text model (it names its ``interface`` class)."""
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as exc:
        logger.warning("skipping %s: unreadable model card (%s)", card_path.parent, exc)
        return False
    return isinstance(card, dict) and isinstance(card.get("interface"), str)


def discover_models(root: str | Path) -> list[Path]:
    """Text-model folders under ``root`` (any depth), sorted; an absent ``root`` gives ``[]``.

    A text-model folder holds a ``model_card.json`` that names its ``interface``; other cards
    (e.g. the time-series models under ``data/06_models/timeseries``) and temporary folders of
    an interrupted save (names starting with ``.``) are skipped, and so are model folders
    inside another model's folder (an ensemble's copies of its members belong to it).
    """
    root = Path(root)
    if not root.exists():
        return []
    found = []
    for card in sorted(root.rglob(CARD_FILE)):
        if any(part.startswith(".") for part in card.parent.relative_to(root).parts):
            continue
        if _declares_interface(card):
            found.append(card.parent)
        else:
            logger.debug("skipping %s: not a text model (no interface in its card)", card.parent)
    outer = set(found)
    return [f for f in found if not any(parent in outer for parent in f.parents)]


def interface_class(interface: str) -> type[TextModel]:
    """Resolve ``"mlops_pipeline.models.x:Class"`` to a :class:`TextModel` subclass."""
    module_name, _, class_name = interface.partition(":")
    if not module_name.startswith(ALLOWED_PREFIX) or not class_name:
        raise ValueError(f"model interface {interface!r} is outside {ALLOWED_PREFIX}*")
    cls = getattr(importlib.import_module(module_name), class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, TextModel)):
        raise ValueError(f"{interface!r} is not a TextModel class")
    return cls


def file_manifest(root: str | Path, exclude: Iterable[str] = ()) -> dict[str, str]:
    """``{relative posix path: SHA-256 hex}`` of every file under ``root`` (any depth, sorted),
    but the top-level names in ``exclude``. A symbolic link is refused (it could point
    anywhere): :class:`ValueError` naming it."""
    root = Path(root)
    skip = set(exclude)
    manifest = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in skip or path.is_dir() and not path.is_symlink():
            continue
        if path.is_symlink():
            raise ValueError(f"{path}: a symbolic link inside a model folder is not allowed")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        manifest[rel] = digest.hexdigest()
    return manifest


def manifest_digest(manifest: dict[str, str]) -> str:
    """SHA-256 hex of a :func:`file_manifest` (canonical JSON): one name for all its bytes."""
    return hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def load_model(directory: str | Path) -> TextModel:
    """Load the model in ``directory`` through the class its card names."""
    card = read_card(directory)
    return interface_class(card.interface).load(directory)


@dataclass(frozen=True)
class ModelHandle:
    """A model folder, not yet loaded: what a models dataset hands to a node.

    Reading the card is cheap (champion choice, reports); :meth:`load` reads the weights
    through the allow-listed :func:`load_model` only when the node needs predictions.
    """

    model_id: str
    folder: Path

    def card(self) -> ModelCard:
        """The folder's ``model_card.json``."""
        return read_card(self.folder)

    def load(self) -> TextModel:
        """The model itself (safe formats only)."""
        return load_model(self.folder)

    def version(self) -> str:
        """First 12 hex digits of the :func:`manifest_digest` of every file of the folder
        (weights included): changes whenever any byte of the model changes. A registered
        version's ``model_version`` tag is the same digest of its model folder."""
        return manifest_digest(file_manifest(self.folder))[:12]
