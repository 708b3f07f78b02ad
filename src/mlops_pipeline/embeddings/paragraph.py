"""Paragraph vectors (Doc2Vec, Le & Mikolov 2014): training and a pickle-free inferrer.

:func:`train_doc2vec` trains gensim ``Doc2Vec`` (PV-DBOW with ``dm: 0``, PV-DM with ``dm: 1``)
on token lists. :class:`ParagraphEmbedder` keeps only what inference needs - the vocabulary
with its counts, the word vectors and the output layer (``syn1neg``) - as JSON + ``.npy``, and
rebuilds a frozen gensim model from them at load time (no pickle is read).

**Determinism.** Training: ``workers: 1`` and a seed give identical vectors on every run (as
Word2Vec). Inference: gensim draws negative samples and down-sampling from the model's shared
random state, so a document's vector would depend on which documents were inferred before it.
:meth:`ParagraphEmbedder.transform` reseeds that state before every document from the
embedder's seed: a document's vector depends only on its tokens (not on the batch, the order
or the process), so the cached matrices and the raw-text path agree.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from gensim.models import doc2vec as gensim_doc2vec
from gensim.models.doc2vec import Doc2Vec, TaggedDocument

from mlops_pipeline.atomic_io import atomic_directory

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
_OPTIONS = {
    "dm", "vector_size", "window", "min_count", "epochs", "negative", "sample", "alpha",
    "min_alpha", "dbow_words", "dm_mean", "max_vocab_size",
}  # fmt: skip
#: Inference settings stored with the embedder (``infer_*``), the rest rebuilds the model.
_MODEL_KEYS = ("dm", "dm_mean", "vector_size", "window", "negative", "sample")


def _stable_hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (Python's ``hash`` of a str is
    salted per process unless PYTHONHASHSEED is fixed)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _stable_weak_vector(size: int, seed_string: str | None = None, hashfxn: Any = None) -> Any:
    """gensim's start vector of an inferred document (its formula), seeded by
    :func:`_stable_hash` of the words, also for an empty document (gensim would draw that one
    from its process-wide generator, so it depended on what ran before)."""
    once = np.random.Generator(np.random.SFC64(_stable_hash(seed_string or "") & 0xFFFFFFFF))
    return (once.random(size).astype(np.float32) - 0.5) / size


# gensim's Doc2Vec.infer_vector starts each document from a vector seeded by Python's salted
# ``hash`` of its words: the same document got another vector in another process (two runs of
# the embeddings stage differed). Its module-level name is only used there; point it at a
# process-independent hash so inference depends on the tokens and the seed alone.
gensim_doc2vec.pseudorandom_weak_vector = _stable_weak_vector


def train_doc2vec(
    documents: Sequence[Sequence[str]], params: Mapping[str, Any], seed: int, workers: int = 1
) -> tuple[Any, dict[str, Any]]:
    """gensim ``Doc2Vec`` on ``documents`` (tag = row position), and its training numbers."""
    unknown = set(params) - _OPTIONS
    if unknown:
        raise ValueError(
            f"Unknown doc2vec option(s) {sorted(unknown)} in parameters_embeddings.yml "
            f"(embeddings.doc2vec); allowed {sorted(_OPTIONS)}"
        )
    corpus = [TaggedDocument(list(doc), [i]) for i, doc in enumerate(documents)]
    model = Doc2Vec(workers=int(workers), seed=int(seed), hs=0, **dict(params))
    start = time.perf_counter()
    model.build_vocab(corpus, progress_per=50_000)
    vocab_seconds = time.perf_counter() - start
    start = time.perf_counter()
    model.train(
        corpus, total_examples=model.corpus_count, total_words=model.corpus_total_words,
        epochs=model.epochs,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    raw = model.corpus_total_words * model.epochs  # Doc2Vec.train returns nothing
    logger.info(
        "doc2vec (dm=%d): %d words, %d documents, %d epochs in %.1f s (%.0f tokens/s)",
        model.dm, len(model.wv), model.corpus_count, model.epochs, seconds, raw / max(seconds, 1e-9),
    )  # fmt: skip
    stats = {
        "family": "doc2vec",
        "vocabulary_size": len(model.wv),
        "sentences": int(model.corpus_count),
        "corpus_tokens": int(model.corpus_total_words),
        "epochs": int(model.epochs),
        "workers": int(workers),
        "vocab_seconds": round(vocab_seconds, 2),
        "train_seconds": round(seconds, 2),
        "tokens_per_second": round(raw / max(seconds, 1e-9)),
    }
    return model, stats


class ParagraphEmbedder:
    """Token lists -> inferred paragraph vectors (``float32``, ``(n_docs, vector_size)``).

    Args:
        keys: vocabulary in the model's row order; counts: their corpus counts.
        word_vectors: input word vectors (used by PV-DM; PV-DBOW ignores them).
        output_weights: the negative-sampling output layer ``syn1neg``.
        config: ``dm``, ``dm_mean``, ``vector_size``, ``window``, ``negative``, ``sample``,
            ``infer_epochs``, ``infer_alpha``, ``infer_min_alpha``, ``seed``.
    """

    family = "doc2vec"

    def __init__(
        self,
        keys: Sequence[str],
        counts: np.ndarray,
        word_vectors: np.ndarray,
        output_weights: np.ndarray,
        config: Mapping[str, Any],
    ) -> None:
        self.keys = [str(k) for k in keys]
        self.counts = np.asarray(counts, dtype=np.int64)
        self.word_vectors = np.asarray(word_vectors, dtype=np.float32)
        self.output_weights = np.asarray(output_weights, dtype=np.float32)
        if not (len(self.keys) == len(self.counts) == len(self.word_vectors)):
            raise ValueError("keys, counts and word_vectors differ in length")
        if self.output_weights.shape != self.word_vectors.shape:
            raise ValueError(
                f"output layer {self.output_weights.shape} != words {self.word_vectors.shape}"
            )
        self.config = dict(config)
        self.pooling = "inferred"  # what train_classical sets on embedders (informational here)
        self._model: Any = None

    @classmethod
    def from_gensim(
        cls, model: Any, infer_epochs: int, seed: int, infer_alpha: float = 0.025,
        infer_min_alpha: float = 0.0001,
    ) -> ParagraphEmbedder:  # fmt: skip
        """From a trained gensim ``Doc2Vec`` (negative sampling only)."""
        if not model.negative:
            raise ValueError("doc2vec: only negative sampling (negative > 0) can be exported")
        wv = model.wv
        counts = np.array([wv.get_vecattr(k, "count") for k in wv.index_to_key], dtype=np.int64)
        config = {
            "dm": int(model.dm), "dm_mean": int(model.cbow_mean), "vector_size": int(model.vector_size),
            "window": int(model.window), "negative": int(model.negative), "sample": float(model.sample),
            "infer_epochs": int(infer_epochs), "infer_alpha": float(infer_alpha),
            "infer_min_alpha": float(infer_min_alpha), "seed": int(seed),
        }  # fmt: skip
        return cls(list(wv.index_to_key), counts, wv.vectors, model.syn1neg, config)

    @property
    def vector_size(self) -> int:
        return int(self.config["vector_size"])

    @property
    def vocabulary_size(self) -> int:
        return len(self.keys)

    def _gensim(self) -> Any:
        """A frozen gensim Doc2Vec with this vocabulary and these weights (built once)."""
        if self._model is None:
            cfg = self.config
            model = Doc2Vec(
                dm=cfg["dm"], dm_mean=cfg["dm_mean"], vector_size=cfg["vector_size"],
                window=cfg["window"], negative=cfg["negative"], sample=cfg["sample"], hs=0,
                min_count=1, workers=1, seed=cfg["seed"], epochs=cfg["infer_epochs"],
            )  # fmt: skip
            model.build_vocab_from_freq(dict(zip(self.keys, self.counts.tolist(), strict=True)))
            # gensim breaks count ties in its own order: put the saved order back (tied words
            # share count and sample_int, so the negative-sampling table stays valid)
            order = np.array([model.wv.key_to_index[k] for k in self.keys])
            for name, values in model.wv.expandos.items():
                model.wv.expandos[name] = values[order]
            model.wv.index_to_key = list(self.keys)
            model.wv.key_to_index = {k: i for i, k in enumerate(self.keys)}
            model.wv.vectors[:] = self.word_vectors
            model.syn1neg[:] = self.output_weights
            self._model = model
        return self._model

    def infer(self, tokens: Sequence[str]) -> np.ndarray:
        """One document's vector; a function of its tokens only (state reseeded first)."""
        model = self._gensim()
        model.random = np.random.RandomState(self.config["seed"])
        cfg = self.config
        words = [str(t) for t in tokens]
        return model.infer_vector(
            words, alpha=cfg["infer_alpha"], min_alpha=cfg["infer_min_alpha"],
            epochs=cfg["infer_epochs"],
        )  # fmt: skip

    def transform(self, docs: Iterable[Sequence[str]], pooling: str | None = None) -> np.ndarray:
        """Inferred vectors of ``docs``; ``pooling`` is accepted and ignored (one kind)."""
        rows = [self.infer(doc) for doc in docs]
        if not rows:
            return np.zeros((0, self.vector_size), dtype=np.float32)
        return np.vstack(rows).astype(np.float32)

    def save(self, directory: str | os.PathLike[str]) -> None:
        """JSON + ``.npy`` (no pickle), atomically."""
        config = {"format_version": FORMAT_VERSION, "family": self.family, **self.config}
        with atomic_directory(directory) as tmp:
            (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
            (tmp / "vocabulary.json").write_text(
                json.dumps(self.keys, ensure_ascii=False), encoding="utf-8"
            )
            np.save(tmp / "counts.npy", self.counts, allow_pickle=False)
            np.save(tmp / "word_vectors.npy", self.word_vectors, allow_pickle=False)
            np.save(tmp / "output_weights.npy", self.output_weights, allow_pickle=False)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ParagraphEmbedder:
        """Read :meth:`save` output (JSON and ``np.load(allow_pickle=False)`` only)."""
        source = Path(directory)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        if (
            config.pop("format_version", None) != FORMAT_VERSION
            or config.pop("family", None) != cls.family
        ):
            raise ValueError(
                f"{source / 'config.json'}: not a paragraph-vector embedder of format "
                f"{FORMAT_VERSION}; rerun `kedro run --pipelines embeddings`"
            )
        return cls(
            keys=json.loads((source / "vocabulary.json").read_text(encoding="utf-8")),
            counts=np.load(source / "counts.npy", allow_pickle=False),
            word_vectors=np.load(source / "word_vectors.npy", allow_pickle=False),
            output_weights=np.load(source / "output_weights.npy", allow_pickle=False),
            config=config,
        )
