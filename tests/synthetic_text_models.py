"""Tiny synthetic raw reviews, fitted representations and models for model/evaluation tests."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from mlops_pipeline.embeddings import DocumentEmbedder
from mlops_pipeline.features import build_vectorizer
from mlops_pipeline.models.classical import ClassicalTextModel
from mlops_pipeline.text import TextPreprocessor

# Fast preprocessor (no lemma table); everything else as the project defaults.
PREPROCESS = {"lemmatizer": "none"}
POSITIVE = ["great", "excellent", "wonderful", "brilliant", "loved", "superb"]
NEGATIVE = ["awful", "worst", "boring", "terrible", "waste", "dull"]
FILLER = ["the", "movie", "film", "plot", "actor", "story", "a", "was", "and", "of", "this"]


def raw_reviews(n: int = 80, seed: int = 0, noise: float = 0.15) -> pd.DataFrame:
    """``review_id, fold, label, text``; folds fit/val/test in 2:1:1; HTML and case as in IMDb."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        label = int(i % 2)
        words = POSITIVE if label else NEGATIVE
        if rng.random() < noise:  # some reviews carry the other side's words: imperfect models
            words = NEGATIVE if label else POSITIVE
        tokens = list(rng.choice(FILLER, 10)) + list(rng.choice(words, 2))
        rng.shuffle(tokens)
        text = (
            " ".join(tokens).capitalize() + ("! <br /><br />" if label else "? <br />") + "The end."
        )
        fold = ("fit", "fit", "val", "test")[i // 2 % 4]
        rows.append({"review_id": f"r{i:03d}", "fold": fold, "label": label, "text": text})
    return pd.DataFrame(rows)


def tokens_of(texts: list[str]) -> list[list[str]]:
    return TextPreprocessor(PREPROCESS).tokens(texts)


def fitted_vectorizer(kind: str, tokens: list[list[str]]):
    params = {"ngram_range": [1, 2], "min_df": 1}
    if kind == "tfidf":
        params["sublinear_tf"] = True
    return build_vectorizer(kind, params).fit(tokens)


def fitted_embedder(tokens: list[list[str]], dim: int = 8, seed: int = 0) -> DocumentEmbedder:
    vocab = sorted({t for doc in tokens for t in doc})
    rng = np.random.default_rng(seed)
    return DocumentEmbedder(
        keys=vocab,
        vectors=rng.normal(size=(len(vocab), dim)),
        idf_terms=vocab,
        idf_values=rng.uniform(1.0, 3.0, len(vocab)),
        n_idf_docs=len(tokens),
        pooling="mean",
    )


def trained_model(
    family: str = "logreg", features: str = "tfidf", params: dict | None = None, n: int = 80
) -> tuple[ClassicalTextModel, pd.DataFrame]:
    """A model fitted on the fit + val rows of :func:`raw_reviews` (returned too; cached)."""
    return _trained_model(family, features, tuple(sorted((params or {}).items())), n)


@functools.lru_cache(maxsize=32)
def _trained_model(
    family: str, features: str, params: tuple, n: int
) -> tuple[ClassicalTextModel, pd.DataFrame]:
    params = dict(params)
    frame = raw_reviews(n)
    train = frame[frame["fold"] != "test"]
    tokens = tokens_of(train["text"].tolist())
    rep = (
        fitted_embedder(tokens) if features == "embedding" else fitted_vectorizer(features, tokens)
    )
    model = ClassicalTextModel(
        PREPROCESS, rep, family, params or {}, model_id=f"{family}__{features}", features=features
    )
    model.fit(train["text"].tolist(), train["label"].to_numpy())
    return model, frame


def save_model(root: Path, family: str = "logreg", features: str = "tfidf") -> Path:
    model, _ = trained_model(family, features)
    return model.save(root / model.model_id)
