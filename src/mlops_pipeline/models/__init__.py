"""Text models behind one interface (DESIGN.md "Model interface"); see docs/models.md.

- :class:`TextModel`: ``fit``, ``predict_proba(texts) -> (n, 2)`` on raw text, ``save``, ``load``
- :class:`ClassicalTextModel`: preprocess + vectorizer/embedder + linear head
- :class:`NBSVMClassifier`, :func:`log_count_ratio`: NB-SVM (Wang & Manning 2012)
- :func:`discover_models` / :func:`load_model`: find and load model folders, no registry
"""

from .base import CARD_FIELDS, ModelCard, TextModel, read_card
from .classical import ClassicalTextModel
from .discovery import discover_models, load_model
from .estimators import FAMILIES, expand_grid, make_estimator
from .heads import LinearHead, head_from_estimator
from .nbsvm import NBSVMClassifier, log_count_ratio

__all__ = [
    "CARD_FIELDS",
    "FAMILIES",
    "ClassicalTextModel",
    "LinearHead",
    "ModelCard",
    "NBSVMClassifier",
    "TextModel",
    "discover_models",
    "expand_grid",
    "head_from_estimator",
    "load_model",
    "log_count_ratio",
    "make_estimator",
    "read_card",
]
