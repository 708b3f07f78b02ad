"""Vectorised n-gram counting for a fitted vocabulary: the same matrix as scikit-learn, faster.

``CountVectorizer.transform`` over token lists joins every n-gram into a string and looks it up
in the vocabulary one by one in Python (for the 1-3-gram NB-SVM: ~3 strings per token, about
half of ``predict_proba`` on raw text). :class:`NgramIndex` maps each *token* to an integer
once (one C-level ``dict.get`` per token), encodes every n-gram as one int64
(``((id1 * B) + id2) * B + id3``, ids from 1, ``B`` = number of distinct vocabulary tokens + 1,
so orders never collide) and finds its column in a ``pandas.Index`` of the keys of
the vocabulary (a hash lookup). The count matrix is built as scikit-learn's ``_count_vocab`` builds it (same
``intc`` counts, ``int32`` indices, ``dtype``, sorted indices), so every value is identical.

Exactness: scikit-learn's n-gram string is ``" ".join(tokens)``; splitting a vocabulary term on
``" "`` gives its tokens back only when no token contains a space. Tokens missing from the
index are checked, and a batch where one contains a space is left to scikit-learn
(:func:`count_matrix` returns ``None``). Memory: one index per fitted vectorizer (a hash index
of the int64 keys and the columns, a few tens of bytes per vocabulary term, plus a dict of the
distinct tokens), held in
a ``WeakKeyDictionary`` so it goes when the vectorizer goes; nothing grows with the input.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

#: ``B ** max_n`` must fit in int64.
_INT64_MAX = np.iinfo(np.int64).max


class NgramIndex:
    """Integer keys of a fitted ``CountVectorizer`` vocabulary (see the module docstring)."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: Sequence[int]) -> None:
        self.min_n, self.max_n = (int(n) for n in ngram_range)
        self.n_features = len(vocabulary)
        # one split of the joined terms: no list per term (890k small lists cost seconds)
        orders = np.fromiter(map(str.count, vocabulary, repeat(" ")), np.int64, len(vocabulary))
        orders += 1
        flat = " ".join(vocabulary).split(" ") if vocabulary else []
        self.token_ids = {token: i for i, token in enumerate(dict.fromkeys(flat), start=1)}
        self.base = len(self.token_ids) + 1
        longest = max(int(orders.max()) if len(orders) else 1, self.max_n, 1)
        self.usable = self.base**longest <= _INT64_MAX
        if not self.usable:
            return
        # key of a term = sum of id_k * B ** (order - 1 - k): one reduceat, no loop per term
        ids = np.fromiter(map(self.token_ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        starts = np.concatenate([[0], np.cumsum(orders)[:-1]]).astype(np.int64)
        position = np.arange(len(flat), dtype=np.int64) - np.repeat(starts, orders)
        power = np.repeat(orders, orders) - 1 - position
        values = ids * np.power(np.int64(self.base), power)
        keys = np.add.reduceat(values, starts) if len(flat) else np.zeros(0, dtype=np.int64)
        # A hash table (pandas' int64 engine): a binary search over ~10^6 keys costs a cache
        # miss per step, a hash lookup about one.
        self.keys = pd.Index(keys)
        self.columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(orders))

    def count_matrix(self, docs: Sequence[Sequence[str]], dtype: Any) -> sp.csr_array | None:
        """``CountVectorizer._count_vocab(docs, fixed_vocab=True)``'s matrix, or ``None`` when
        a token outside the index contains a space (then only scikit-learn is exact)."""
        if not self.usable:
            return None
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        flat = list(chain.from_iterable(docs))
        ids = np.fromiter(map(self.token_ids.get, flat, repeat(0)), dtype=np.int64, count=len(flat))
        missing = np.flatnonzero(ids == 0)
        if any(" " in flat[i] for i in missing.tolist()):
            return None
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        rows, cols = [], []
        for n in range(self.min_n, self.max_n + 1):
            count = max(len(flat) - n + 1, 0)  # n-grams start at 0 .. count - 1 (slices: views)
            ok = doc_of[:count] == doc_of[n - 1 : n - 1 + count]
            key = np.zeros(count, dtype=np.int64)
            for k in range(n):
                part = ids[k : k + count]
                ok &= part > 0
                key = key * self.base + part
            pos = self.keys.get_indexer(key[ok])
            hit = pos >= 0
            rows.append(doc_of[:count][ok][hit])
            cols.append(self.columns[pos[hit]])
        return _csr_counts(np.concatenate(rows), np.concatenate(cols), docs, self.n_features, dtype)


def _csr_counts(
    rows: np.ndarray, cols: np.ndarray, docs: Sequence[Any], n_features: int, dtype: Any
) -> sp.csr_array:
    """Counts of each (row, column) pair as scikit-learn's ``_count_vocab`` stores them."""
    pairs, counts = np.unique(rows * max(n_features, 1) + cols, return_counts=True)
    row_of = pairs // max(n_features, 1)
    indptr = np.searchsorted(row_of, np.arange(len(docs) + 1), side="left")
    index_dtype = np.int32 if len(pairs) <= np.iinfo(np.int32).max else np.int64
    matrix = sp.csr_array(
        (
            counts.astype(np.intc),
            (pairs % max(n_features, 1)).astype(index_dtype),
            indptr.astype(index_dtype),
        ),
        shape=(len(docs), n_features),
        dtype=dtype,
    )
    matrix.sort_indices()
    return matrix


_INDEXES: weakref.WeakKeyDictionary[Any, NgramIndex] = weakref.WeakKeyDictionary()


def ngram_index(vectorizer: Any) -> NgramIndex | None:
    """The index of a fitted word-n-gram ``CountVectorizer``/``TfidfVectorizer`` (built on
    first use, kept while the vectorizer lives), or ``None`` when it does not apply."""
    if vectorizer.analyzer != "word" or vectorizer.stop_words is not None:
        return None
    index = _INDEXES.get(vectorizer)
    if index is None or index.n_features != len(vectorizer.vocabulary_):
        index = _INDEXES[vectorizer] = NgramIndex(vectorizer.vocabulary_, vectorizer.ngram_range)
    return index
