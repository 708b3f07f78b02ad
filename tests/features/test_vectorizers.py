"""Vectorizers over token lists: options really apply, and save/load is exact and pickle-free."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from mlops_pipeline.features import build_vectorizer, load_vectorizer, save_vectorizer

DOCS = [
    ["the", "movie", "be", "not", "good", "!"],
    ["a", "good", "movie", "good", "plot"],
    ["the", "plot", "be", "not", "bad"],
    ["bad", "movie", "the", "actor", "be", "bad"],
]


def test_ngram_range_produces_bigrams() -> None:
    uni = build_vectorizer("bow", {"ngram_range": [1, 1]}).fit(DOCS)
    bi = build_vectorizer("bow", {"ngram_range": [1, 2]}).fit(DOCS)
    assert not any(" " in name for name in uni.feature_names)
    assert {"not good", "not bad", "good movie"} <= set(bi.feature_names)
    # tokens are taken as they are: "!" stays a feature, no regex re-tokenizing or lowercasing
    assert "!" in set(uni.feature_names)


def test_tfidf_rows_are_l2_normalized_when_configured() -> None:
    l2 = build_vectorizer("tfidf", {"norm": "l2"}).fit_transform(DOCS)
    raw = build_vectorizer("tfidf", {"norm": None}).fit_transform(DOCS)
    np.testing.assert_allclose(sp.linalg.norm(l2, axis=1), 1.0, rtol=1e-6)
    assert not np.allclose(sp.linalg.norm(raw, axis=1), 1.0)


def test_bow_counts_and_binary() -> None:
    counts = build_vectorizer("bow", {}).fit(DOCS)
    binary = build_vectorizer("bow", {"binary": True}).fit(DOCS)
    col = list(counts.feature_names).index("good")
    assert counts.transform([DOCS[1]])[0, col] == 2
    assert binary.transform([DOCS[1]])[0, col] == 1


def test_negation_aware_stop_words_option() -> None:
    vec = build_vectorizer("bow", {}, stop_words={"enabled": True}).fit(DOCS)
    names = set(vec.feature_names)
    assert "the" not in names and "a" not in names
    assert "not" in names  # negations survive the filter
    off = build_vectorizer("bow", {}, stop_words={"enabled": False}).fit(DOCS)
    assert "the" in set(off.feature_names)


def test_unknown_option_is_an_error() -> None:
    with pytest.raises(ValueError, match="ngram"):
        build_vectorizer("tfidf", {"ngrams": [1, 2]})
    with pytest.raises(ValueError, match="kind"):
        build_vectorizer("word2vec", {})


@pytest.mark.parametrize(
    ("kind", "params", "stop_words"),
    [
        ("bow", {"ngram_range": [1, 2], "min_df": 1}, None),
        ("tfidf", {"ngram_range": [1, 2], "sublinear_tf": True}, {"enabled": True}),
        ("tfidf", {"use_idf": False, "norm": None}, None),
    ],
)
def test_save_load_round_trip_is_exact_and_pickle_free(
    tmp_path: Path, kind: str, params: dict, stop_words: dict | None
) -> None:
    vec = build_vectorizer(kind, params, stop_words).fit(DOCS)
    save_vectorizer(vec, tmp_path / "vec")
    assert {p.suffix for p in (tmp_path / "vec").iterdir()} <= {".json", ".npy"}  # no pickle
    loaded = load_vectorizer(tmp_path / "vec")
    unseen = [["good", "plot", "never", "seen", "not", "good"], []]
    for docs in (DOCS, unseen):
        a, b = vec.transform(docs), loaded.transform(docs)
        assert a.dtype == b.dtype
        assert (a != b).nnz == 0
    assert list(loaded.feature_names) == list(vec.feature_names)
    enabled = bool((vec.stop_words or {}).get("enabled"))
    assert bool((loaded.stop_words or {}).get("enabled")) == enabled
