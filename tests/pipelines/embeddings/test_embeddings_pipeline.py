"""The ``embeddings`` pipeline on a synthetic token table, through its real catalog entries."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synthetic_tokens import TEST_ONLY, run_pipeline_on_tmp_catalog, synthetic_reviews

from mlops_pipeline.embeddings import DocumentEmbedder

FAMILIES = ("word2vec", "fasttext")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("embeddings")
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)
    return reviews, run_pipeline_on_tmp_catalog("embeddings", tmp, reviews), tmp


def test_embeddings_and_idf_never_see_test_rows(outputs) -> None:
    _, catalog, _ = outputs
    idf = catalog.load("embeddings_idf")
    assert idf["n_docs"] == 60 and TEST_ONLY not in idf["terms"]  # fit + val only
    w2v = catalog.load("embeddings_word2vec_model")
    assert TEST_ONLY not in w2v.wv.key_to_index
    assert w2v.corpus_count == 90  # fit + val + unsup sentences
    embedder = catalog.load("embeddings_word2vec_embedder")
    assert embedder.word_vector(TEST_ONLY) is None
    assert catalog.load("embeddings_fasttext_embedder").word_vector(TEST_ONLY) is not None


def test_document_vectors_line_up_with_rows(outputs) -> None:
    reviews, catalog, _ = outputs
    rows = catalog.load("embeddings_rows")
    for family in FAMILIES:
        embedder = catalog.load(f"embeddings_{family}_embedder")
        assert isinstance(embedder, DocumentEmbedder)
        for fold in ("fit", "val", "test"):
            ids = rows.loc[rows["fold"] == fold].sort_values("row")["review_id"]
            tokens = reviews.set_index("review_id").loc[ids, "tokens"]
            for pooling in ("mean", "tfidf"):
                matrix = catalog.load(f"embeddings_{family}_{pooling}_{fold}")
                assert matrix.shape == (len(ids), 16) and matrix.dtype == np.float32
                np.testing.assert_allclose(
                    embedder.transform(tokens, pooling), matrix, rtol=1e-6, atol=1e-7
                )


def test_gensim_models_round_trip_through_the_catalog(outputs) -> None:
    _, catalog, _ = outputs
    for family in FAMILIES:
        model = catalog.load(f"embeddings_{family}_model")
        embedder = catalog.load(f"embeddings_{family}_embedder")
        np.testing.assert_array_equal(model.wv["good"], embedder.word_vector("good"))


def test_report_has_oov_shares_and_neighbours(outputs) -> None:
    _, _, tmp = outputs
    report_dir = tmp / "data/08_reporting/embeddings"
    metrics = json.loads((report_dir / "metrics.json").read_text())
    # every test review has one unseen token: OOV for Word2Vec, a subword vector for FastText
    assert metrics["word2vec"]["oov_share_test"] > 0
    assert metrics["fasttext"]["oov_share_test"] == 0
    assert metrics["fasttext"]["subword_share_test"] > 0
    assert "seconds" not in json.dumps(metrics)
    sanity = json.loads((report_dir / "sanity.json").read_text())
    assert sanity["word2vec"]["neighbours"]["excellent"]  # a word of the synthetic vocabulary
    assert sanity["fasttext"]["oov_probes"]["unwatchably"] is True
    timings = json.loads((report_dir / "timings.json").read_text())
    assert timings["word2vec"]["workers"] == 1
    assert "nearest neighbours" in (report_dir / "report.md").read_text()
