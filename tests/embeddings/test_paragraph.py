"""Paragraph vectors: deterministic training and inference, pickle-free round trip, leakage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder, train_doc2vec

TINY = {"dm": 0, "vector_size": 12, "epochs": 4, "min_count": 1, "negative": 3, "sample": 0.0}


@pytest.fixture(scope="module")
def documents() -> list[list[str]]:
    rng = np.random.default_rng(0)
    pos, neg = ["good", "great", "love"], ["bad", "awful", "dull"]
    filler = ["the", "movie", "film", "plot", "actor", "a"]
    return [
        [str(w) for w in rng.choice(filler, 10)]
        + [str(w) for w in rng.choice(pos if i % 2 else neg, 4)]
        for i in range(120)
    ]


@pytest.fixture(scope="module")
def embedder(documents: list[list[str]]) -> ParagraphEmbedder:
    model, stats = train_doc2vec(documents, TINY, seed=3, workers=1)
    assert stats["sentences"] == len(documents) and stats["workers"] == 1
    return ParagraphEmbedder.from_gensim(model, infer_epochs=8, seed=3)


def test_training_with_one_worker_is_reproducible(documents: list[list[str]]) -> None:
    first, _ = train_doc2vec(documents, TINY, seed=3, workers=1)
    second, _ = train_doc2vec(documents, TINY, seed=3, workers=1)
    np.testing.assert_array_equal(first.syn1neg, second.syn1neg)
    np.testing.assert_array_equal(first.dv.vectors, second.dv.vectors)


def test_a_documents_vector_does_not_depend_on_batch_or_order(embedder, documents) -> None:
    batch = embedder.transform(documents[:6])
    alone = np.vstack([embedder.transform([doc]) for doc in documents[:6]])
    reversed_ = embedder.transform(documents[5::-1])[::-1]
    assert batch.shape == (6, 12) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch, alone)
    np.testing.assert_array_equal(batch, reversed_)
    assert not np.array_equal(batch[0], batch[1])


@pytest.mark.parametrize("dm", [0, 1])
def test_inference_equals_gensims_own_with_the_same_seed(documents, dm: int) -> None:
    model, _ = train_doc2vec(documents, TINY | {"dm": dm}, seed=3, workers=1)
    emb = ParagraphEmbedder.from_gensim(model, infer_epochs=8, seed=5)
    model.random = np.random.RandomState(5)
    expected = model.infer_vector(documents[0], alpha=0.025, min_alpha=0.0001, epochs=8)
    np.testing.assert_allclose(emb.transform([documents[0]])[0], expected, rtol=1e-6)


def test_save_load_round_trip_reads_no_pickle(embedder, documents, tmp_path: Path) -> None:
    embedder.save(tmp_path / "pv")
    names = sorted(p.name for p in (tmp_path / "pv").iterdir())
    assert names == [
        "config.json", "counts.npy", "output_weights.npy", "vocabulary.json", "word_vectors.npy"
    ]  # fmt: skip
    loaded = ParagraphEmbedder.load(tmp_path / "pv")
    np.testing.assert_array_equal(
        loaded.transform(documents[:4]), embedder.transform(documents[:4])
    )


def test_load_refuses_another_format(embedder, tmp_path: Path) -> None:
    embedder.save(tmp_path / "pv")
    config = json.loads((tmp_path / "pv" / "config.json").read_text())
    (tmp_path / "pv" / "config.json").write_text(json.dumps({**config, "family": "word2vec"}))
    with pytest.raises(ValueError, match=r"config.json.*kedro run --pipelines embeddings"):
        ParagraphEmbedder.load(tmp_path / "pv")


def test_unknown_option_names_the_parameters_file(documents) -> None:
    with pytest.raises(ValueError, match=r"bogus.*parameters_embeddings.yml"):
        train_doc2vec(documents, {"bogus": 1}, seed=0)


def test_unseen_words_are_ignored_not_an_error(embedder) -> None:
    vec = embedder.transform([["zzzunseen", "good"], ["zzzunseen"], []])
    assert np.isfinite(vec).all() and vec.shape == (3, 12)
