"""The model interface every text model implements (classical, LSTM; BERT later).

A model answers ``predict_proba(texts)`` on RAW review text: its preprocessing and its
vectorizer are bundled inside, so serving never needs the pipeline's intermediate files.
``save(dir)`` writes weights in a safe format plus ``model_card.json``; ``load(dir)`` reads
them back. Loading never executes code from the folder: see :mod:`mlops_pipeline.models.discovery`
for how a folder's card names the class that reads it (allow-listed to this package).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

CARD_FILE = "model_card.json"
CARD_FIELDS = (
    "model_id",
    "family",
    "features",
    "params",
    "train_rows",
    "train_seconds",
    "device",
    "size_bytes",
    "created_at",
    "data_hash",
    "params_hash",
)


@dataclass
class ModelCard:
    """What a trained model is, where it came from and what it cost (``model_card.json``)."""

    model_id: str
    family: str
    features: str
    params: dict[str, Any]
    train_rows: int
    train_seconds: float
    device: str = "cpu"
    size_bytes: int = 0
    created_at: str = ""
    data_hash: str = ""
    params_hash: str = ""
    interface: str = ""  # "module:Class" that reads the folder (allow-listed at load time)
    # The model trained on `fit` (before any refit) scored on `val`: {accuracy, roc_auc, rows}.
    # The champion is the model with the best val_metrics["accuracy"] (never chosen on test).
    val_metrics: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        missing = [name for name in CARD_FIELDS if name not in data]
        if missing:
            raise ValueError(f"model card lacks fields {missing}")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


_PREPROCESSORS: dict[str, Any] = {}


def shared_preprocessor(config: dict[str, Any]) -> Any:
    """One :class:`~mlops_pipeline.text.TextPreprocessor` per distinct config and process.

    Every model family runs the project's own preprocessing at prediction time; sharing one
    instance per config loads spaCy and the lemma tables once, not once per model (evaluation
    and scoring load many models).
    """
    # why local: mlops_pipeline.text loads spaCy; reading cards and registry work never need it
    from mlops_pipeline.text import TextPreprocessor

    key = json.dumps(config, sort_keys=True)
    if key not in _PREPROCESSORS:
        _PREPROCESSORS[key] = TextPreprocessor(config)
    return _PREPROCESSORS[key]


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hash_params(params: Any) -> str:
    """SHA-256 of the canonical JSON of ``params`` (key order does not matter)."""
    blob = json.dumps(params, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def hash_arrays(*arrays: Any) -> str:
    """SHA-256 over arrays, sparse matrices, sequences of str: identifies the training data."""
    digest = hashlib.sha256()
    for arr in arrays:
        if hasattr(arr, "tocsr"):  # scipy sparse
            csr = arr.tocsr()
            for part in (csr.data, csr.indices, csr.indptr, np.asarray(csr.shape)):
                digest.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(arr, np.ndarray) and arr.dtype != object:
            digest.update(np.ascontiguousarray(arr).tobytes())
        else:
            digest.update("\x1f".join(map(str, arr)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def folder_size(directory: str | Path, exclude: Sequence[str] = (CARD_FILE,)) -> int:
    """Bytes on disk of every file under ``directory`` except the card itself."""
    root = Path(directory)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name not in exclude)


def write_card(directory: str | Path, card: ModelCard) -> ModelCard:
    """Fill ``size_bytes``/``created_at`` and write ``model_card.json`` into ``directory``."""
    card.size_bytes = folder_size(directory)
    card.created_at = card.created_at or utc_now()
    (Path(directory) / CARD_FILE).write_text(json.dumps(card.to_dict(), indent=2, sort_keys=True))
    return card


def read_card(directory: str | Path) -> ModelCard:
    return ModelCard.from_dict(json.loads((Path(directory) / CARD_FILE).read_text()))


class TextModel(ABC):
    """A binary sentiment model over raw review text.

    Subclasses set ``family`` and implement ``fit``, ``predict_proba``, ``save`` and ``load``.
    ``card`` holds the model card once the model is fitted or loaded.
    """

    family: ClassVar[str] = "abstract"
    card: ModelCard | None = None
    _model_id: str | None = None  # set by subclasses that know their id before fitting
    preprocess_config: dict[str, Any]  # ``TextPreprocessor.to_config()`` the model bundles

    @property
    def model_id(self) -> str:
        return self._model_id or (self.card.model_id if self.card else self.family)

    @property
    def preprocessor(self) -> Any:
        """The project's preprocessor for ``preprocess_config`` (one per config and process)."""
        return shared_preprocessor(self.preprocess_config)

    @abstractmethod
    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> TextModel:
        """Train on raw texts and 0/1 labels; return ``self``."""

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of shape ``(n, 2)``: column 0 negative, column 1 positive."""

    @abstractmethod
    def save(self, directory: str | Path) -> Path:
        """Write weights (safe format) and ``model_card.json`` into ``directory``."""

    @classmethod
    @abstractmethod
    def load(cls, directory: str | Path) -> TextModel:
        """Read a folder written by :meth:`save`."""

    def predict_proba_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Probabilities for a frame of already-preprocessed rows (batch evaluation).

        ``frame`` has ``text`` (raw) and, when available, the preprocess outputs
        (``text_light``, ``tokens``). The default reads the raw text; a model may use the
        cached columns instead if a test proves the result equals the raw-text path.
        ``cache`` is shared across models of one evaluation run (e.g. a transformed matrix).
        """
        return self.predict_proba(list(frame["text"]))

    def top_features(self, k: int = 20) -> dict[str, list[dict[str, Any]]] | None:
        """The ``k`` most positive/negative features with weights, if the model has them."""
        return None
