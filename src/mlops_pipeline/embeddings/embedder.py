"""Document vectors from word vectors: mean and TF-IDF-weighted pooling, saved without pickles.

A :class:`DocumentEmbedder` holds everything needed to turn token lists into document vectors
at serving time, independent of gensim objects:

- the word vectors of the vocabulary (``vectors.npy`` + ``vocabulary.json``);
- for FastText, the subword (character n-gram) bucket vectors (``ngram_vectors.npy``) and
  ``min_n``/``max_n``/``bucket``, so words never seen in training still get a vector (gensim's
  own hashing, :func:`gensim.models.fasttext.ft_ngram_hashes`, reproduces
  ``FastTextKeyedVectors.get_vector`` exactly);
- the IDF of the train reviews (``idf_terms.json`` + ``idf.npy``) for weighted pooling.

Pooling of a document ``d`` with tokens ``t`` that have a vector ``v(t)``:

- ``mean``:  ``sum_t v(t) / n``
- ``tfidf``: ``sum_t idf(t) v(t) / sum_t idf(t)`` (every occurrence counts, i.e. raw tf x idf);
  a token absent from the train reviews gets the largest idf ``ln(1 + N) + 1``.

Word2Vec has no vector for an out-of-vocabulary token: it is skipped (a zero contribution) and
counted as OOV; a document with no known token maps to the zero vector.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mlops_pipeline.atomic_io import atomic_directory

POOLINGS = ("mean", "tfidf")
FORMAT_VERSION = 1


class DocumentEmbedder:
    """Token lists -> document vectors (``float32``, shape ``(n_docs, vector_size)``).

    Args:
        keys: vocabulary, in the row order of ``vectors``.
        vectors: word vectors, shape ``(len(keys), vector_size)``.
        idf_terms, idf_values: IDF of the train reviews (any terms, not only ``keys``).
        n_idf_docs: number of documents the IDF was computed on (gives the unseen-term idf).
        pooling: default pooling of :meth:`transform`: ``"mean"`` or ``"tfidf"``.
        ngram_vectors, min_n, max_n: FastText subword buckets (``None`` for Word2Vec).
        family: ``"word2vec"`` or ``"fasttext"`` (informational).
    """

    def __init__(
        self,
        keys: Sequence[str],
        vectors: np.ndarray,
        idf_terms: Sequence[str],
        idf_values: np.ndarray,
        n_idf_docs: int,
        pooling: str = "tfidf",
        ngram_vectors: np.ndarray | None = None,
        min_n: int = 3,
        max_n: int = 6,
        family: str = "word2vec",
    ) -> None:
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"vectors shape {vectors.shape} does not match {len(keys)} keys")
        idf_values = np.asarray(idf_values, dtype=np.float64)
        if len(idf_terms) != len(idf_values):
            raise ValueError("idf_terms and idf_values differ in length")
        self.keys = [str(k) for k in keys]
        self.vectors = vectors
        self.idf_terms = [str(t) for t in idf_terms]
        self.idf_values = idf_values
        self.n_idf_docs = int(n_idf_docs)
        self.pooling = pooling
        self.ngram_vectors = (
            None if ngram_vectors is None else np.asarray(ngram_vectors, dtype=np.float32)
        )
        self.min_n = int(min_n)
        self.max_n = int(max_n)
        self.family = family
        self._index = pd.Index(self.keys)
        self._idf_index = pd.Index(self.idf_terms)
        self._unit: np.ndarray | None = None

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_gensim(
        cls,
        model: Any,
        idf_terms: Sequence[str],
        idf_values: np.ndarray,
        n_idf_docs: int,
        pooling: str = "tfidf",
    ) -> DocumentEmbedder:
        """From a trained gensim ``Word2Vec``/``FastText`` (or its ``KeyedVectors``)."""
        from gensim.models.fasttext import FastTextKeyedVectors

        wv = getattr(model, "wv", model)
        is_fasttext = isinstance(wv, FastTextKeyedVectors) and wv.bucket > 0
        return cls(
            keys=list(wv.index_to_key),
            vectors=wv.vectors,
            idf_terms=idf_terms,
            idf_values=idf_values,
            n_idf_docs=n_idf_docs,
            pooling=pooling,
            ngram_vectors=wv.vectors_ngrams if is_fasttext else None,
            min_n=getattr(wv, "min_n", 3),
            max_n=getattr(wv, "max_n", 6),
            family="fasttext" if is_fasttext else "word2vec",
        )

    # -- properties --------------------------------------------------------------------------
    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def vocabulary_size(self) -> int:
        return len(self.keys)

    @property
    def has_subwords(self) -> bool:
        return self.ngram_vectors is not None and len(self.ngram_vectors) > 0

    @property
    def unseen_idf(self) -> float:
        """The idf of a term in no train review (smooth idf with df = 0)."""
        return float(np.log(1.0 + self.n_idf_docs) + 1.0)

    # -- words -------------------------------------------------------------------------------
    def _subword_vector(self, word: str) -> np.ndarray | None:
        from gensim.models.fasttext import ft_ngram_hashes

        hashes = ft_ngram_hashes(word, self.min_n, self.max_n, len(self.ngram_vectors))
        if not hashes:
            return None
        return self.ngram_vectors[hashes].mean(axis=0, dtype=np.float32)

    def word_vector(self, word: str) -> np.ndarray | None:
        """The vector of ``word``; ``None`` when it has none (Word2Vec OOV)."""
        pos = self._index.get_indexer([word])[0]
        if pos >= 0:
            return self.vectors[pos]
        return self._subword_vector(word) if self.has_subwords else None

    def idf(self, words: Sequence[str]) -> np.ndarray:
        """IDF of each word (``unseen_idf`` for words absent from the train reviews)."""
        pos = self._idf_index.get_indexer(list(words))
        return np.where(pos >= 0, self.idf_values[np.maximum(pos, 0)], self.unseen_idf)

    def most_similar(self, word: str, topn: int = 10) -> list[tuple[str, float]]:
        """Nearest vocabulary words by cosine similarity (``[]`` when ``word`` has no vector)."""
        vec = self.word_vector(word)
        if vec is None or not np.any(vec):
            return []
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._unit = self.vectors / np.maximum(norms, 1e-12)
        sims = self._unit @ (vec / np.linalg.norm(vec))
        order = np.argsort(-sims)
        out = [(self.keys[i], float(sims[i])) for i in order[: topn + 1] if self.keys[i] != word]
        return out[:topn]

    def similarity(self, a: str, b: str) -> float | None:
        """Cosine similarity of two words (``None`` when one has no vector)."""
        va, vb = self.word_vector(a), self.word_vector(b)
        if va is None or vb is None or not np.any(va) or not np.any(vb):
            return None
        return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))

    # -- documents ---------------------------------------------------------------------------
    def _lookup(self, docs: Iterable[Sequence[str]]) -> dict[str, Any]:
        """Flatten ``docs`` and map every token to a row of vocab or of extra subword vectors."""
        arrays = [np.asarray(list(doc), dtype=object) for doc in docs]
        lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        flat = np.concatenate(arrays) if lengths.sum() else np.empty(0, dtype=object)
        doc_ids = np.repeat(np.arange(len(arrays)), lengths)
        codes = self._index.get_indexer(flat) if len(flat) else np.empty(0, dtype=np.int64)
        extra = np.empty((0, self.vector_size), dtype=np.float32)
        in_vocab = codes >= 0
        if self.has_subwords and (~in_vocab).any():
            oov_codes, uniques = pd.factorize(flat[~in_vocab])
            rows, has = [], np.zeros(len(uniques), dtype=bool)
            for i, word in enumerate(uniques):
                vec = self._subword_vector(word)
                if vec is not None:
                    has[i] = True
                    rows.append(vec)
            extra = np.vstack(rows) if rows else extra
            extra_pos = np.cumsum(has) - 1  # row of each unique word in ``extra``
            sub = np.where(has[oov_codes], len(self.keys) + extra_pos[oov_codes], -1)
            codes = codes.copy()
            codes[~in_vocab] = sub
        return {
            "n_docs": len(arrays),
            "flat": flat,
            "doc_ids": doc_ids,
            "codes": codes,
            "in_vocab": in_vocab,
            "extra": extra,
        }

    def transform(self, docs: Iterable[Sequence[str]], pooling: str | None = None) -> np.ndarray:
        """Document vectors, shape ``(n_docs, vector_size)``, ``float32``."""
        pooling = pooling or self.pooling
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        look = self._lookup(docs)
        n_docs, codes = look["n_docs"], look["codes"]
        known = codes >= 0
        if pooling == "tfidf":
            weights = self.idf(look["flat"][known]) if known.any() else np.empty(0)
        else:
            weights = np.ones(int(known.sum()))
        n_rows = len(self.keys) + len(look["extra"])
        w = sp.csr_matrix((weights, (look["doc_ids"][known], codes[known])), shape=(n_docs, n_rows))
        totals = np.asarray(w.sum(axis=1)).ravel()
        out = w[:, : len(self.keys)] @ self.vectors.astype(np.float64)
        if len(look["extra"]):
            out += w[:, len(self.keys) :] @ look["extra"].astype(np.float64)
        out = np.divide(out, totals[:, None], out=np.zeros_like(out), where=totals[:, None] > 0)
        return out.astype(np.float32)

    def oov_stats(self, docs: Iterable[Sequence[str]]) -> dict[str, Any]:
        """Token counts: in the vocabulary, served by subwords, and OOV (no vector at all)."""
        look = self._lookup(docs)
        tokens = len(look["codes"])
        in_vocab = int(look["in_vocab"].sum())
        no_vector = int((look["codes"] < 0).sum())
        empty_docs = np.ones(look["n_docs"], dtype=bool)
        empty_docs[np.unique(look["doc_ids"][look["codes"] >= 0])] = False
        return {
            "tokens": tokens,
            "in_vocabulary_share": round(in_vocab / tokens, 6) if tokens else None,
            "subword_share": round((tokens - in_vocab - no_vector) / tokens, 6) if tokens else None,
            "oov_share": round(no_vector / tokens, 6) if tokens else None,
            "docs_without_vector": int(empty_docs.sum()),
        }

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write JSON + ``.npy`` files (no pickle) to ``directory``, atomically."""
        config = {
            "format_version": FORMAT_VERSION,
            "family": self.family,
            "pooling": self.pooling,
            "vector_size": self.vector_size,
            "vocabulary_size": self.vocabulary_size,
            "n_idf_docs": self.n_idf_docs,
            "subwords": self.has_subwords,
            "min_n": self.min_n,
            "max_n": self.max_n,
            "bucket": 0 if self.ngram_vectors is None else len(self.ngram_vectors),
        }
        with atomic_directory(directory) as tmp:
            (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
            (tmp / "vocabulary.json").write_text(
                json.dumps(self.keys, ensure_ascii=False), encoding="utf-8"
            )
            (tmp / "idf_terms.json").write_text(
                json.dumps(self.idf_terms, ensure_ascii=False), encoding="utf-8"
            )
            np.save(tmp / "vectors.npy", self.vectors, allow_pickle=False)
            np.save(tmp / "idf.npy", self.idf_values, allow_pickle=False)
            if self.ngram_vectors is not None:
                np.save(tmp / "ngram_vectors.npy", self.ngram_vectors, allow_pickle=False)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> DocumentEmbedder:
        """Load :meth:`save` output (``np.load(allow_pickle=False)`` and JSON only)."""
        source = Path(directory)
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        if config.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"Unsupported embedder format in {source}: {config!r}")
        ngram_path = source / "ngram_vectors.npy"
        return cls(
            keys=json.loads((source / "vocabulary.json").read_text(encoding="utf-8")),
            vectors=np.load(source / "vectors.npy", allow_pickle=False),
            idf_terms=json.loads((source / "idf_terms.json").read_text(encoding="utf-8")),
            idf_values=np.load(source / "idf.npy", allow_pickle=False),
            n_idf_docs=config["n_idf_docs"],
            pooling=config["pooling"],
            ngram_vectors=np.load(ngram_path, allow_pickle=False) if ngram_path.exists() else None,
            min_n=config["min_n"],
            max_n=config["max_n"],
            family=config["family"],
        )
