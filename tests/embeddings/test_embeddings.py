"""Word2Vec / FastText training, document pooling, OOV handling and safe persistence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from mlops_pipeline.embeddings import DocumentEmbedder, compute_idf, train_embedding

TINY = {"vector_size": 16, "window": 3, "min_count": 1, "epochs": 2, "negative": 3}


@pytest.fixture(scope="module")
def sentences() -> list[list[str]]:
    rng = np.random.default_rng(0)
    words = ["good", "great", "bad", "awful", "movie", "film", "plot", "actor", "the", "a"]
    return [[str(w) for w in rng.choice(words, 20)] for _ in range(200)]


@pytest.fixture(scope="module")
def idf(sentences: list[list[str]]) -> tuple[list[str], np.ndarray, int]:
    return compute_idf(sentences)


def _embedder(family: str, sentences, idf, **extra) -> tuple[object, DocumentEmbedder]:
    params = TINY | ({"bucket": 5000} if family == "fasttext" else {}) | extra
    model, stats = train_embedding(family, sentences, params, seed=7, workers=1)
    assert stats["vocabulary_size"] == len(model.wv) and stats["workers"] == 1
    return model, DocumentEmbedder.from_gensim(model, *idf)


def test_compute_idf_matches_scikit_learn(sentences: list[list[str]]) -> None:
    terms, idf, n_docs = compute_idf(sentences)
    ref = TfidfVectorizer(
        tokenizer=lambda d: d, preprocessor=lambda d: d, token_pattern=None, lowercase=False
    ).fit(sentences)
    assert n_docs == len(sentences)
    assert terms == list(ref.get_feature_names_out())
    np.testing.assert_allclose(idf, ref.idf_)


def test_fasttext_vectors_unseen_word_while_word2vec_reports_oov(sentences, idf) -> None:
    unseen = "greatness"
    w2v_model, w2v = _embedder("word2vec", sentences, idf)
    ft_model, ft = _embedder("fasttext", sentences, idf)
    assert unseen not in w2v_model.wv.key_to_index and unseen not in ft_model.wv.key_to_index

    assert w2v.word_vector(unseen) is None
    assert w2v.oov_stats([["good", unseen]])["oov_share"] == 0.5
    vec = ft.word_vector(unseen)
    assert vec is not None and np.linalg.norm(vec) > 0
    np.testing.assert_allclose(vec, ft_model.wv[unseen], rtol=1e-5, atol=1e-6)  # same as gensim
    stats = ft.oov_stats([["good", unseen]])
    assert stats["oov_share"] == 0.0 and stats["subword_share"] == 0.5
    # a document made only of an unseen word: zero for Word2Vec, non-zero for FastText
    assert not w2v.transform([[unseen]]).any()
    assert ft.transform([[unseen]]).any()


def test_weighted_pooling_gives_rare_word_more_weight() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    emb = DocumentEmbedder(
        keys=["the", "brilliant"],
        vectors=vectors,
        idf_terms=["the", "brilliant"],
        idf_values=np.array([1.0, 4.0]),
        n_idf_docs=100,
    )
    doc = [["the", "brilliant"]]
    np.testing.assert_allclose(emb.transform(doc, "mean"), [[0.5, 0.5]])
    np.testing.assert_allclose(emb.transform(doc, "tfidf"), [[0.2, 0.8]])
    # repeated occurrences count; tokens without a vector are skipped; empty doc -> zeros
    np.testing.assert_allclose(
        emb.transform([["the", "the", "unknown"], []], "tfidf"), [[1.0, 0.0], [0.0, 0.0]]
    )
    assert emb.idf(["never-seen"])[0] == pytest.approx(np.log(101) + 1)


def test_mean_pooling_is_the_average_of_word_vectors(sentences, idf) -> None:
    model, emb = _embedder("word2vec", sentences, idf)
    doc = ["good", "plot", "good"]
    expected = np.mean([model.wv[w] for w in doc], axis=0)
    np.testing.assert_allclose(emb.transform([doc], "mean")[0], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("family", ["word2vec", "fasttext"])
def test_one_worker_and_seed_give_identical_vectors(family: str, sentences, idf) -> None:
    a_model, a = _embedder(family, sentences, idf)
    b_model, b = _embedder(family, sentences, idf)
    np.testing.assert_array_equal(a_model.wv.vectors, b_model.wv.vectors)
    np.testing.assert_array_equal(a.transform(sentences[:5]), b.transform(sentences[:5]))
    params = TINY | ({"bucket": 5000} if family == "fasttext" else {})
    other, _ = train_embedding(family, sentences, params, seed=8, workers=1)
    assert not np.array_equal(other.wv.vectors, a_model.wv.vectors)  # the seed matters


_CHILD = """
import sys, numpy as np
from mlops_pipeline.embeddings import train_embedding
rng = np.random.default_rng(0)
words = [f"w{i}" for i in range(50)]
sents = [[str(w) for w in rng.choice(words, 20)] for _ in range(100)]
model, _ = train_embedding("word2vec", sents, {"vector_size": 8, "epochs": 1, "min_count": 1},
                           seed=3, workers=1)
np.save(sys.argv[1], model.wv[words])
"""


def test_one_worker_runs_are_identical_across_processes(tmp_path: Path) -> None:
    """String hashing is salted per process (PYTHONHASHSEED): results must not depend on it."""
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"v{hash_seed}.npy"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run([sys.executable, "-c", _CHILD, str(out)], check=True, env=env)
        outputs.append(np.load(out))
    np.testing.assert_array_equal(outputs[0], outputs[1])


@pytest.mark.parametrize("family", ["word2vec", "fasttext"])
def test_embedder_save_load_round_trip(tmp_path: Path, family: str, sentences, idf) -> None:
    _, emb = _embedder(family, sentences, idf)
    emb.save(tmp_path / "emb")
    assert {p.suffix for p in (tmp_path / "emb").iterdir()} <= {".json", ".npy"}  # no pickle
    loaded = DocumentEmbedder.load(tmp_path / "emb")
    docs = [["good", "movie", "greatness"], ["awful"], []]
    for pooling in ("mean", "tfidf"):
        np.testing.assert_array_equal(emb.transform(docs, pooling), loaded.transform(docs, pooling))
    assert loaded.family == family and loaded.pooling == emb.pooling


def test_unknown_training_option_is_an_error(sentences) -> None:
    with pytest.raises(ValueError, match="min_n"):
        train_embedding("word2vec", sentences, TINY | {"min_n": 3}, seed=1, workers=1)
