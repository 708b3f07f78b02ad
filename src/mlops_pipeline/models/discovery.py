"""Registry-free model discovery: every folder holding a ``model_card.json`` is a model.

A card names the class that reads its folder (``interface: "module:Class"``). Only classes
inside this package (``mlops_pipeline.``) that subclass :class:`TextModel` are accepted, so a
folder cannot make the loader import arbitrary code; the class's own ``load`` reads safe
formats only. Later LSTM/BERT models appear here without changes to the evaluation.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from .base import CARD_FILE, TextModel, read_card

logger = logging.getLogger(__name__)

ALLOWED_PREFIX = "mlops_pipeline."


def discover_models(root: str | Path) -> list[Path]:
    """Model folders under ``root`` (any depth), sorted; an absent ``root`` gives ``[]``."""
    root = Path(root)
    if not root.exists():
        return []
    return sorted(
        card.parent for card in root.rglob(CARD_FILE) if not card.parent.name.startswith(".")
    )


def interface_class(interface: str) -> type[TextModel]:
    """Resolve ``"mlops_pipeline.models.x:Class"`` to a :class:`TextModel` subclass."""
    module_name, _, class_name = interface.partition(":")
    if not module_name.startswith(ALLOWED_PREFIX) or not class_name:
        raise ValueError(f"model interface {interface!r} is outside {ALLOWED_PREFIX}*")
    cls = getattr(importlib.import_module(module_name), class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, TextModel)):
        raise ValueError(f"{interface!r} is not a TextModel class")
    return cls


def load_model(directory: str | Path) -> TextModel:
    """Load the model in ``directory`` through the class its card names."""
    card = read_card(directory)
    return interface_class(card.interface).load(directory)
