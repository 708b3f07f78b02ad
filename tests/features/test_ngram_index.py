"""The vectorised n-gram counter gives scikit-learn's matrix exactly (same values, indices,
dtypes), so every classical model's probabilities are unchanged (issue 25)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from mlops_pipeline.features import build_vectorizer
from mlops_pipeline.features.ngram_index import NgramIndex, ngram_index

WORDS = ["the", "movie", "be", "not", "good", "bad", "!", "plot", "actor", "great", "?", "dull"]


def _docs(n: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [list(rng.choice(WORDS, size=int(rng.integers(0, 40)))) for _ in range(n)]


def _sklearn(vec, docs: list[list[str]]) -> sp.csr_matrix:
    """The old path: scikit-learn's own transform on the fitted vectorizer."""
    return sp.csr_matrix(vec.vectorizer_.transform(vec._prepare(docs)))


def _assert_identical(new: sp.csr_matrix, old: sp.csr_matrix) -> None:
    assert new.dtype == old.dtype and new.indices.dtype == old.indices.dtype
    assert new.shape == old.shape and new.has_sorted_indices
    np.testing.assert_array_equal(new.indptr, old.indptr)
    np.testing.assert_array_equal(new.indices, old.indices)
    np.testing.assert_array_equal(new.data, old.data)


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("bow", {"ngram_range": [1, 3], "binary": True, "dtype": "int8", "min_df": 2}),
        ("bow", {"ngram_range": [1, 2]}),
        ("bow", {"ngram_range": [2, 3], "dtype": "int8"}),  # counts above 127 wrap as before
        ("tfidf", {"ngram_range": [1, 2], "sublinear_tf": True, "min_df": 2}),
        ("tfidf", {"ngram_range": [1, 1], "norm": None}),
    ],
)
def test_counts_identical_to_sklearn(kind: str, params: dict) -> None:
    vec = build_vectorizer(kind, params).fit(_docs(200, seed=0))
    unseen = _docs(150, seed=1) + [[], ["zzz"], ["good"] * 300, ["zzz", "good", "movie"]]
    _assert_identical(vec.transform(unseen), _sklearn(vec, unseen))
    assert ngram_index(vec.vectorizer_) is not None  # the fast path really ran


def test_probabilities_identical_on_a_fixed_sample() -> None:
    """A linear head over old and new matrices: the same P(positive) to 1e-9."""
    vec = build_vectorizer("bow", {"ngram_range": [1, 3], "binary": True}).fit(_docs(300, 2))
    coef = np.random.default_rng(3).normal(size=vec.n_features)
    sample = _docs(100, seed=4)
    new = expit(vec.transform(sample) @ coef)
    old = expit(_sklearn(vec, sample) @ coef)
    np.testing.assert_allclose(new, old, rtol=0, atol=1e-9)


def test_tokens_with_spaces_fall_back_to_sklearn() -> None:
    """A token containing a space makes n-gram strings ambiguous: scikit-learn decides."""
    vec = build_vectorizer("bow", {"ngram_range": [1, 2]}).fit([["a b", "c"], ["a", "b", "c"]])
    docs = [["a b", "c"], ["a", "b"], ["x y"]]
    index = ngram_index(vec.vectorizer_)
    assert index is not None and index.count_matrix(docs, np.int64) is None
    _assert_identical(vec.transform(docs), _sklearn(vec, docs))


def test_empty_batch_and_odd_tokens() -> None:
    vec = build_vectorizer("bow", {"ngram_range": [1, 3]}).fit([["", "a"], ["a", "", "b"]])
    for docs in ([], [[]], [[""], ["a", "", "b", "a"]]):
        _assert_identical(vec.transform(docs), _sklearn(vec, docs))


def test_index_follows_a_refit_vectorizer() -> None:
    """The cache is per fitted vectorizer: a refit never reuses the old vocabulary's index."""
    vec = build_vectorizer("bow", {"ngram_range": [1, 2]}).fit([["a", "b"]])
    first = ngram_index(vec.vectorizer_)
    vec.fit([["c", "d", "e"], ["a"]])
    assert ngram_index(vec.vectorizer_) is not first
    docs = [["c", "d"], ["a", "b"]]
    _assert_identical(vec.transform(docs), _sklearn(vec, docs))


def test_oversized_vocabulary_is_not_indexed() -> None:
    """Keys that would overflow int64 disable the index instead of colliding."""
    index = NgramIndex({f"w{i}": i for i in range(10)}, (1, 30))
    assert not index.usable and index.count_matrix([["w1"]], np.int64) is None
