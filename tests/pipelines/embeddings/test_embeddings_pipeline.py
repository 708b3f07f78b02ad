"""The ``embeddings`` pipeline on a synthetic token table, through its real catalog entries."""

from __future__ import annotations

import json

import numpy as np
import pytest
from kedro.io import DataCatalog
from synthetic_tokens import (
    TEST_ONLY,
    output_bytes,
    project_config,
    run_pipeline_on_tmp_catalog,
    synthetic_reviews,
)

from mlops_pipeline.embeddings import DocumentEmbedder
from mlops_pipeline.pipelines.embeddings import create_pipeline

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
    assert set(metrics["word2vec"]) == {
        "probe_val_accuracy_mean",
        "probe_val_accuracy_tfidf",
        "oov_share_test",
    }
    # every test review has one unseen token: OOV for Word2Vec, a subword vector for FastText
    assert metrics["word2vec"]["oov_share_test"] > 0
    assert metrics["fasttext"]["oov_share_test"] == 0
    details = json.loads((report_dir / "details.json").read_text())
    assert details["fasttext"]["oov"]["test"]["subword_share"] > 0
    assert details["word2vec"]["neighbours"]["excellent"]  # a word of the synthetic vocabulary
    assert details["fasttext"]["oov_probes"]["unwatchably"] is True
    assert details["word2vec"]["corpus"]["sentences"] == 90
    timings = json.loads((report_dir / "timings.json").read_text())  # speed, never a metric
    assert timings["word2vec"]["workers"] == 1 and timings["word2vec"]["tokens_per_second"] > 0
    report = (report_dir / "report.md").read_text()
    assert "nearest neighbours" in report and "seconds" not in report


def test_word_vectors_live_in_the_feature_layer() -> None:
    resolver = DataCatalog.from_config(project_config("base")["catalog"]).config_resolver
    for family in FAMILIES:
        for kind in ("model", "embedder"):
            entry = resolver.resolve_pattern(f"embeddings_{family}_{kind}")
            path = entry.get("filepath") or entry["path"]
            assert path.startswith(f"data/04_feature/embeddings/{family}/")
            assert entry["metadata"]["kedro-viz"]["layer"] == "feature"


def test_nodes_are_named_steps_tagged_with_the_pipeline() -> None:
    pipeline = create_pipeline()
    names = {n.name.removeprefix("embeddings.") for n in pipeline.nodes}
    assert {"embeddings_train_word2vec", "embeddings_word2vec_vectors_test"} <= names
    assert {"embeddings_probe_fasttext", "embeddings_report"} <= names
    assert all("embeddings" in n.tags for n in pipeline.nodes)
    train_inputs = {
        i
        for n in pipeline.nodes
        if n.name.startswith("embeddings.embeddings_train_")
        for i in n.inputs
    }
    assert not any("test" in i for i in train_inputs)


def test_two_runs_write_identical_outputs(tmp_path) -> None:
    """workers: 1 + the seed: vectors, models, metrics and reports are byte-identical."""
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)
    first, second = tmp_path / "a", tmp_path / "b"
    run_pipeline_on_tmp_catalog("embeddings", first, reviews)
    run_pipeline_on_tmp_catalog("embeddings", second, reviews)
    outputs = output_bytes(first)
    assert "data/04_feature/embeddings/word2vec/gensim/word2vec.model" in outputs
    assert "data/08_reporting/embeddings/metrics.json" in outputs
    assert outputs == output_bytes(second)
