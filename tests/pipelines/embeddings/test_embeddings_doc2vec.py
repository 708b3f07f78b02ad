"""``embeddings``' paragraph vectors: never trained on test, inferred alike for every fold."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synthetic_tokens import (
    TEST_ONLY,
    project_config,
    run_pipeline_on_tmp_catalog,
    synthetic_reviews,
)

from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder
from mlops_pipeline.pipelines.embeddings import nodes


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("doc2vec")
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)
    return reviews, run_pipeline_on_tmp_catalog("embeddings", tmp, reviews), tmp


def test_vectors_of_every_fold_are_the_embedders_inference(outputs) -> None:
    reviews, catalog, _ = outputs
    rows = catalog.load("embeddings_rows")
    embedder = catalog.load("embeddings_doc2vec_embedder")
    assert isinstance(embedder, ParagraphEmbedder) and TEST_ONLY not in embedder.keys
    for fold in ("fit", "val", "test"):
        ids = rows.loc[rows["fold"] == fold].sort_values("row")["review_id"]
        tokens = reviews.set_index("review_id").loc[ids, "tokens"]
        matrix = catalog.load(f"embeddings_doc2vec_inferred_{fold}")
        assert matrix.shape == (len(ids), 16) and matrix.dtype == np.float32
        np.testing.assert_array_equal(embedder.transform(tokens), matrix)


def test_metrics_and_timings_report_doc2vec(outputs) -> None:
    _, _, tmp = outputs
    report_dir = tmp / "data/08_reporting/embeddings"
    metrics = json.loads((report_dir / "metrics.json").read_text())
    assert set(metrics["doc2vec"]) == {"probe_val_accuracy_inferred"}
    details = json.loads((report_dir / "details.json").read_text())
    assert details["doc2vec"]["corpus"]["sentences"] == 90  # fit + val + unsup
    timings = json.loads((report_dir / "timings.json").read_text())
    assert timings["doc2vec"]["workers"] == 1


def test_poisoned_test_fold_changes_no_trained_weight() -> None:
    """Test texts and labels rewritten: the corpus, the embedder and the fit/val vectors stay."""
    params = project_config("test")["parameters"]["embeddings"]
    reviews = synthetic_reviews()
    poisoned = reviews.copy()
    test = poisoned["fold"] == "test"
    poisoned.loc[test, "tokens"] = poisoned.loc[test, "tokens"].map(lambda t: ["awful", *t[::-1]])
    poisoned.loc[test, "label"] = 1 - poisoned.loc[test, "label"]
    trained = []
    for table in (reviews, poisoned):
        embedder, _ = nodes.train_paragraph_vectors(
            nodes.select_corpus(table), params["doc2vec"], params["doc2vec_inference"], 1, 42
        )
        fit_docs = nodes.select_documents(table)[0]
        trained.append((embedder, nodes.paragraph_vectors(embedder, fit_docs)))
    (a, fit_a), (b, fit_b) = trained
    assert a.keys == b.keys
    np.testing.assert_array_equal(a.output_weights, b.output_weights)
    np.testing.assert_array_equal(fit_a, fit_b)
