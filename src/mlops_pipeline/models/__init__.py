"""Text models behind one interface (DESIGN.md "Model interface"); see docs/models.md.

This package root holds only what every family shares, so a DVC stage depends on the files it
uses (``models/base.py``, ``models/discovery.py`` and its family's subpackage):

- :class:`TextModel`, :class:`ModelCard`: ``fit``, ``predict_proba(texts) -> (n, 2)`` on raw
  text, ``save``, ``load``, and ``model_card.json``
- :func:`discover_models` / :func:`load_model`: find and load model folders (allow-listed)

Families live in subpackages: :mod:`.classical` (linear models over BoW/TF-IDF/embeddings),
:mod:`.lstm` (the recurrent classifier).
"""

from .base import CARD_FIELDS, ModelCard, TextModel, read_card
from .discovery import discover_models, load_model

__all__ = [
    "CARD_FIELDS",
    "ModelCard",
    "TextModel",
    "discover_models",
    "load_model",
    "read_card",
]
