"""The model interface every text model implements (classical, LSTM; BERT later).

A model answers ``predict_proba(texts)`` on RAW review text: its preprocessing and its
vectorizer are bundled inside, so serving never needs the pipeline's intermediate files.
``save(dir)`` writes weights in a safe format plus ``model_card.json``; ``load(dir)`` reads
them back. Per-run measurements of a card (wall times, throughputs, timestamps: :data:`RUN_KEYS`)
are written beside it in ``run_info.json``, which ``.dvcignore`` keeps out of DVC's hashes, so
the same code, parameters and data give a byte-identical model folder on any run (DESIGN.md
"Determinism and time"); :func:`read_card` merges them back. Loading never executes code from the folder: see :mod:`mlops_pipeline.models.discovery`
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
#: Per-run measurements beside the card (``.dvcignore``d: never in a DVC hash, never in git).
RUN_FILE = "run_info.json"
#: Card keys (at any depth) that are measurements of one run, not properties of the model.
RUN_KEYS = frozenset(
    {
        "train_seconds",
        "created_at",
        "members_train_seconds",
        "epoch_seconds",
        "fit_seconds",
        "refit_seconds",
        "samples_per_second",
        "peak_memory_mb",
        "seconds",
    }
)
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
    # Where the model is weak, one sentence each (models/limitations.py writes them for every
    # family); cards written before issue 26 have none and still load.
    limitations: list[str] = field(default_factory=list)

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


def folder_size(directory: str | Path, exclude: Sequence[str] = (CARD_FILE, RUN_FILE)) -> int:
    """Bytes on disk of every file under ``directory`` except the card and its run info."""
    root = Path(directory)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and p.name not in exclude)


def split_run_info(data: Any) -> tuple[Any, Any]:
    """``(stable, per_run)``: ``data`` without the :data:`RUN_KEYS` (at any depth of nested
    dicts and lists of dicts), and those keys alone in the same structure (``None`` if none)."""
    if isinstance(data, dict):
        stable, run = {}, {}
        for key, value in data.items():
            if key in RUN_KEYS:
                run[key] = value
                continue
            kept, moved = split_run_info(value)
            stable[key] = kept
            if moved is not None:
                run[key] = moved
        return stable, (run or None)
    if isinstance(data, list) and any(isinstance(v, dict) for v in data):
        pairs = [split_run_info(v) for v in data]
        moved = [m if m is not None else {} for _, m in pairs]
        return [k for k, _ in pairs], (moved if any(moved) else None)
    return data, None


def merge_run_info(stable: Any, run: Any) -> Any:
    """The inverse of :func:`split_run_info`."""
    if isinstance(stable, dict) and isinstance(run, dict):
        out = dict(stable)
        for key, value in run.items():
            out[key] = merge_run_info(stable.get(key), value) if key in stable else value
        return out
    if isinstance(stable, list) and isinstance(run, list) and len(stable) == len(run):
        return [merge_run_info(s, r) for s, r in zip(stable, run, strict=True)]
    return stable if run is None else run


def write_card(directory: str | Path, card: ModelCard) -> ModelCard:
    """Fill ``size_bytes``/``created_at`` and, when empty, ``limitations``; write
    ``model_card.json`` (what the model is: the same bytes on every run) and ``run_info.json`` (what this run measured) into ``directory``."""
    card.size_bytes = folder_size(directory)
    card.created_at = card.created_at or utc_now()
    if not card.limitations:
        from mlops_pipeline.models.limitations import describe  # why local: base is imported first

        card.limitations = describe(card)
    stable, run = split_run_info(card.to_dict())
    folder = Path(directory)
    (folder / CARD_FILE).write_text(json.dumps(stable, indent=2, sort_keys=True))
    (folder / RUN_FILE).write_text(json.dumps(run or {}, indent=2, sort_keys=True))
    return card


def read_card(directory: str | Path) -> ModelCard:
    """The card of ``directory`` with its run info merged in (zeros/empty when it is absent,
    e.g. after a ``dvc pull`` on another machine: run info is never cached)."""
    folder = Path(directory)
    data = json.loads((folder / CARD_FILE).read_text())
    run_file = folder / RUN_FILE
    if run_file.is_file():
        data = merge_run_info(data, json.loads(run_file.read_text()))
    data.setdefault("train_seconds", 0.0)
    data.setdefault("created_at", "")
    return ModelCard.from_dict(data)


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
