"""The ``features`` pipeline on a synthetic token table, through its real catalog entries."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from synthetic_tokens import TEST_ONLY, output_bytes, run_pipeline_on_tmp_catalog, synthetic_reviews

from mlops_pipeline.pipelines.features import create_pipeline


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("features")
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)  # folds interleaved
    return reviews, run_pipeline_on_tmp_catalog("features", tmp, reviews), tmp


def test_vectorizers_never_see_test_rows(outputs) -> None:
    _, catalog, _ = outputs
    for kind in ("bow", "tfidf", "ngrams"):
        names = set(catalog.load(f"features_{kind}_vectorizer").feature_names)
        assert "good" in names
        assert TEST_ONLY not in names  # occurs in every test review, in no train review
        assert catalog.load(f"features_{kind}_test").shape[1] == len(names)


def test_shapes_and_row_order_line_up(outputs) -> None:
    reviews, catalog, _ = outputs
    rows = catalog.load("features_rows")
    assert list(rows.columns) == ["review_id", "fold", "label", "row"]
    assert set(rows["fold"]) == {"fit", "val", "test"}  # unsup is not vectorized
    tfidf = catalog.load("features_tfidf_vectorizer")
    for fold in ("fit", "val", "test"):
        ids = rows.loc[rows["fold"] == fold].sort_values("row")["review_id"]
        matrix = catalog.load(f"features_tfidf_{fold}")
        assert matrix.shape[0] == len(ids)
        # row i is the review the row table names: re-vectorize those reviews and compare
        tokens = reviews.set_index("review_id").loc[ids, "tokens"]
        assert (tfidf.transform(tokens) != matrix).nnz == 0


def test_tfidf_has_bigrams_and_unit_rows(outputs) -> None:
    _, catalog, _ = outputs
    names = catalog.load("features_tfidf_vectorizer").feature_names
    assert "not good" in set(names)
    norms = sp.linalg.norm(catalog.load("features_tfidf_fit"), axis=1)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


def test_ngrams_are_binary_trigrams_and_restrict_to_column_subsets(outputs) -> None:
    reviews, catalog, _ = outputs
    vectorizer = catalog.load("features_ngrams_vectorizer")
    orders = vectorizer.ngram_orders()
    assert set(orders.tolist()) == {1, 2, 3}
    rows = catalog.load("features_rows")
    ids = rows.loc[rows["fold"] == "val"].sort_values("row")["review_id"]
    tokens = reviews.set_index("review_id").loc[ids, "tokens"]
    matrix = catalog.load("features_ngrams_val")
    assert matrix.dtype == np.int8 and set(np.unique(matrix.data).tolist()) == {1}
    # a narrower n-gram range is a column subset that serves the same numbers from tokens
    for ngram_range in ([1, 2], [1, 1], [2, 3]):
        restricted, columns = vectorizer.restrict_ngrams(ngram_range)
        assert set(orders[columns].tolist()) == set(range(ngram_range[0], ngram_range[1] + 1))
        assert (restricted.transform(tokens) != matrix[:, columns]).nnz == 0


def test_restricting_a_normalised_tfidf_is_refused(outputs) -> None:
    _, catalog, _ = outputs
    with pytest.raises(ValueError, match="row-normalised"):
        catalog.load("features_tfidf_vectorizer").restrict_ngrams([1, 1])


def test_report_files(outputs) -> None:
    _, _, tmp = outputs
    report_dir = tmp / "data/08_reporting/features"
    metrics = json.loads((report_dir / "metrics.json").read_text())
    assert set(metrics) == {"bow", "tfidf", "ngrams"}
    assert set(metrics["tfidf"]) == {"vocabulary_size", "nnz_fit", "probe_val_accuracy"}
    assert metrics["tfidf"]["probe_val_accuracy"] >= 0.9  # separable synthetic data
    details = json.loads((report_dir / "details.json").read_text())
    assert 0.0 < details["bow"]["sparsity"]["fit"] < 1.0
    assert details["bow"]["nnz"]["fit"] == metrics["bow"]["nnz_fit"]
    report = (report_dir / "report.md").read_text()
    assert "| vocabulary size " in report and "seconds" not in report
    assert not (report_dir / "timings.json").exists()  # node wall times: node_timings.json


def test_nodes_are_named_steps_tagged_with_the_pipeline() -> None:
    pipeline = create_pipeline()
    names = {n.name for n in pipeline.nodes}
    expected = {"features_fit_tfidf", "features_transform_tfidf_test", "features_report"}
    assert {f"features.{name}" for name in expected} <= names
    assert all("features" in n.tags for n in pipeline.nodes)
    # the graph itself shows that no vectorizer is fit on test rows
    fit_inputs = {
        i for n in pipeline.nodes if n.name.startswith("features.features_fit_") for i in n.inputs
    }
    assert "features_documents_test" not in fit_inputs


def test_two_runs_write_identical_outputs(tmp_path) -> None:
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)
    first, second = tmp_path / "a", tmp_path / "b"
    run_pipeline_on_tmp_catalog("features", first, reviews)
    run_pipeline_on_tmp_catalog("features", second, reviews)
    outputs = output_bytes(first)
    assert "data/08_reporting/features/metrics.json" in outputs
    assert "data/04_feature/features/tfidf/test.npz" in outputs
    assert outputs == output_bytes(second)
