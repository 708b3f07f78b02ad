"""Word2Vec / FastText training (gensim) and the IDF of the train reviews.

Multi-worker gensim training is not bit-reproducible (threads race on shared weights and on
the order of jobs); ``workers: 1`` together with a fixed ``seed`` gives identical vectors run
after run. ``workers: null`` means one worker per available core.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from gensim.models import FastText, Word2Vec
from gensim.models.callbacks import CallbackAny2Vec
from tqdm.auto import tqdm

logger = logging.getLogger(__name__)

_W2V_OPTIONS = {
    "sg",
    "vector_size",
    "window",
    "min_count",
    "epochs",
    "negative",
    "sample",
    "alpha",
    "min_alpha",
    "max_vocab_size",
    "hs",
}
_FT_OPTIONS = _W2V_OPTIONS | {"min_n", "max_n", "bucket"}


def resolve_workers(workers: int | None) -> int:
    """``None``/``0`` -> the number of cores this process may use."""
    if workers:
        return int(workers)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


class _EpochProgress(CallbackAny2Vec):
    """A tqdm bar over epochs."""

    def __init__(self, name: str, epochs: int) -> None:
        self.bar = tqdm(total=epochs, desc=f"{name} epochs", unit="epoch")

    def on_epoch_end(self, model: Any) -> None:
        self.bar.update(1)

    def on_train_end(self, model: Any) -> None:
        self.bar.close()


def train_embedding(
    family: str,
    sentences: Sequence[list[str]],
    params: Mapping[str, Any],
    seed: int,
    workers: int | None = None,
) -> tuple[Word2Vec, dict[str, Any]]:
    """Train gensim ``Word2Vec`` (``family="word2vec"``) or ``FastText`` on ``sentences``.

    Returns the model and training numbers (vocabulary size, corpus tokens, seconds, tokens/s).
    """
    allowed = {"word2vec": _W2V_OPTIONS, "fasttext": _FT_OPTIONS}.get(family)
    if allowed is None:
        raise ValueError(f"family must be 'word2vec' or 'fasttext', got {family!r}")
    unknown = set(params) - allowed
    if unknown:
        raise ValueError(f"Unknown {family} option(s) {sorted(unknown)}; allowed {sorted(allowed)}")
    n_workers = resolve_workers(workers)
    cls = FastText if family == "fasttext" else Word2Vec
    model = cls(workers=n_workers, seed=int(seed), **dict(params))

    start = time.perf_counter()
    model.build_vocab(sentences, progress_per=50_000)
    vocab_seconds = time.perf_counter() - start
    logger.info(
        "%s: vocabulary of %d words (min_count=%s) from %d sentences, %d tokens, in %.1f s",
        family,
        len(model.wv),
        model.min_count,
        model.corpus_count,
        model.corpus_total_words,
        vocab_seconds,
    )
    start = time.perf_counter()
    trained, raw = model.train(
        sentences,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
        epochs=model.epochs,
        callbacks=[_EpochProgress(family, model.epochs)],
    )
    train_seconds = time.perf_counter() - start
    tokens_per_second = raw / max(train_seconds, 1e-9)
    logger.info(
        "%s: %d epochs over %d tokens in %.1f s (%.0f tokens/s, %d workers)",
        family,
        model.epochs,
        model.corpus_total_words,
        train_seconds,
        tokens_per_second,
        n_workers,
    )
    stats = {
        "family": family,
        "vocabulary_size": len(model.wv),
        "sentences": int(model.corpus_count),
        "corpus_tokens": int(model.corpus_total_words),
        "epochs": int(model.epochs),
        "workers": n_workers,
        "vocab_seconds": round(vocab_seconds, 2),
        "train_seconds": round(train_seconds, 2),
        "tokens_per_second": round(tokens_per_second),
    }
    return model, stats


def compute_idf(docs: Iterable[Sequence[str]]) -> tuple[list[str], np.ndarray, int]:
    """Smooth IDF over ``docs`` (as scikit-learn): ``ln((1 + N) / (1 + df)) + 1``.

    Returns the terms (sorted), their idf (float64) and ``N``.
    """
    df: dict[str, int] = {}
    n_docs = 0
    for doc in docs:
        n_docs += 1
        for term in set(doc):
            df[term] = df.get(term, 0) + 1
    terms = sorted(df)
    counts = np.fromiter((df[t] for t in terms), dtype=np.float64, count=len(terms))
    idf = np.log((1.0 + n_docs) / (1.0 + counts)) + 1.0
    return terms, idf, n_docs
