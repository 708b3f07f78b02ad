"""Classical text models: preprocessing + representation + linear head, behind :class:`TextModel`.

``predict_proba(texts)`` runs the project's own :class:`mlops_pipeline.text.TextPreprocessor`
(never a second implementation), the bundled vectorizer/embedder and the linear head.

Folder layout written by :meth:`ClassicalTextModel.save` (all safe to load: JSON, npy/npz read
with ``allow_pickle=False``; nothing is unpickled or executed)::

    model_card.json      the card (DESIGN.md "Model interface")
    preprocess.json      TextPreprocessor.to_config()
    representation/      the fitted vectorizer/embedder in its own safe format
    head.npz, head.json  the linear classifier as arrays (see :mod:`.heads`)
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.atomic_io import atomic_directory
from mlops_pipeline.models.base import (
    ModelCard,
    TextModel,
    hash_arrays,
    hash_params,
    read_card,
)
from mlops_pipeline.models.base import write_card as _write_card

from .estimators import make_estimator
from .heads import LinearHead, head_from_estimator
from .representations import (
    feature_names,
    folder_fingerprint,
    load_representation,
    save_representation,
)

INTERFACE = "mlops_pipeline.models.classical:ClassicalTextModel"
PREPROCESS_FILE = "preprocess.json"
REPRESENTATION_DIR = "representation"


class ClassicalTextModel(TextModel):
    """A linear classifier over a bundled BoW/TF-IDF vectorizer or document embedder.

    Args:
        preprocess_config: ``TextPreprocessor.to_config()`` of the preprocess stage.
        representation: a fitted ``TokenVectorizer`` or ``DocumentEmbedder`` (the
            unsupervised fit happens upstream, on fit + val + unsup, never on test).
        estimator_family: ``logreg``, ``linear_svm``, ``mnb`` or ``nbsvm``.
        params: estimator parameters (e.g. ``{"C": 4.0}``).
        model_id: folder name, e.g. ``logreg__tfidf``.
        features: name of the representation, e.g. ``tfidf``.
        seed: random seed of the estimator.
    """

    family = "classical"

    def __init__(
        self,
        preprocess_config: dict[str, Any],
        representation: Any,
        estimator_family: str,
        params: dict[str, Any] | None = None,
        model_id: str | None = None,
        features: str = "",
        seed: int = 0,
    ) -> None:
        self.preprocess_config = preprocess_config
        self.representation = representation
        self.estimator_family = estimator_family
        self.params = dict(params or {})
        self.features = features
        self.seed = seed
        self.head: LinearHead | None = None
        self._model_id = model_id or f"{estimator_family}__{features or 'features'}"
        self._representation_hash: str | None = None
        self.card = None

    # -- training --------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> ClassicalTextModel:
        """Raw-text training: preprocess, vectorize with the bundled representation, fit."""
        x = self.transform_tokens(self.preprocessor.tokens(list(texts)))
        return self.fit_matrix(x, np.asarray(labels), data_hash=hash_arrays(list(texts), labels))

    def fit_matrix(
        self, x: Any, y: Sequence[int], data_hash: str = "", train_seconds: float | None = None
    ) -> ClassicalTextModel:
        """Fit the head on an already-vectorized matrix (the cached features of the stage)."""
        y = np.asarray(y).astype(int)
        start = time.perf_counter()
        estimator = make_estimator(self.estimator_family, self.params, self.seed).fit(x, y)
        self.head = head_from_estimator(estimator)
        seconds = time.perf_counter() - start if train_seconds is None else train_seconds
        self.card = ModelCard(
            model_id=self.model_id,
            family=self.estimator_family,
            features=self.features,
            params=dict(self.params),
            train_rows=int(x.shape[0]),
            train_seconds=round(float(seconds), 3),
            device="cpu",
            data_hash=data_hash or hash_arrays(x, y),
            params_hash=hash_params({"params": self.params, "preprocess": self.preprocess_config}),
            interface=INTERFACE,
        )
        ngram_range = (getattr(self.representation, "params", None) or {}).get("ngram_range")
        if ngram_range is not None:  # n-gram orders of the columns (the leaderboard's reference)
            self.card.extra["ngram_range"] = [int(n) for n in ngram_range]
        return self

    # -- inference -------------------------------------------------------------------------
    def transform_tokens(self, tokens: Sequence[Sequence[str]]) -> Any:
        return self.representation.transform(list(tokens))

    def predict_proba_matrix(self, x: Any) -> np.ndarray:
        if self.head is None:
            raise RuntimeError(f"{self.model_id} is not fitted")
        return self.head.predict_proba(x)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        tokens = self.preprocessor.tokens(list(texts))
        return self.predict_proba_matrix(self.transform_tokens(tokens))

    def predict_proba_prepared(
        self, frame: pd.DataFrame, cache: dict[str, Any] | None = None
    ) -> np.ndarray:
        """Use the preprocess ``tokens`` column when present (tests prove it equals raw text).

        Models sharing one representation share its transformed matrix through ``cache``.
        """
        if "tokens" not in frame:
            return self.predict_proba(list(frame["text"]))
        key = f"representation:{self.representation_hash}"
        if cache is not None and key in cache:
            x = cache[key]
        else:
            x = self.transform_tokens([list(t) for t in frame["tokens"]])
            if cache is not None:
                cache[key] = x
        return self.predict_proba_matrix(x)

    @property
    def representation_hash(self) -> str:
        return self._representation_hash or f"memory-{id(self.representation)}"

    def top_features(self, k: int = 20) -> dict[str, list[dict[str, Any]]] | None:
        names = feature_names(self.representation)
        if names is None or self.head is None or len(names) != self.head.n_features:
            return None
        order = np.argsort(self.head.coef, kind="stable")
        pick = lambda idx: [  # noqa: E731
            {"feature": str(names[i]), "weight": round(float(self.head.coef[i]), 6)} for i in idx
        ]
        return {"positive": pick(order[::-1][:k]), "negative": pick(order[:k])}

    # -- persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        if self.head is None or self.card is None:
            raise RuntimeError(f"{self.model_id}: fit before save")
        directory = Path(directory)
        with atomic_directory(directory) as tmp:
            (tmp / PREPROCESS_FILE).write_text(json.dumps(self.preprocess_config, indent=2))
            kind = save_representation(self.representation, tmp / REPRESENTATION_DIR)
            self.head.save(tmp)
            self._representation_hash = folder_fingerprint(tmp / REPRESENTATION_DIR)
            self.card.extra = {
                **self.card.extra,
                "representation_kind": kind,
                "representation_hash": self._representation_hash,
                "seed": self.seed,
            }
            _write_card(tmp, self.card)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> ClassicalTextModel:
        """Load a folder written by :meth:`save` (JSON + npy/npz only; no pickle)."""
        directory = Path(directory)
        card = read_card(directory)
        if card.interface != INTERFACE:
            raise ValueError(f"{directory} holds a {card.interface!r} model, not {INTERFACE!r}")
        rep = load_representation(directory / REPRESENTATION_DIR, card.extra["representation_kind"])
        model = cls(
            preprocess_config=json.loads((directory / PREPROCESS_FILE).read_text()),
            representation=rep,
            estimator_family=card.family,
            params=card.params,
            model_id=card.model_id,
            features=card.features,
            seed=int(card.extra.get("seed", 0)),
        )
        model.head = LinearHead.load(directory)
        model.card = card
        model._representation_hash = card.extra.get("representation_hash")
        return model
