"""The ``features`` pipeline on a synthetic token table, through its real catalog entries."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from synthetic_tokens import TEST_ONLY, run_pipeline_on_tmp_catalog, synthetic_reviews

from mlops_pipeline.pipelines.features.nodes import select_documents


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("features")
    reviews = synthetic_reviews().sample(frac=1.0, random_state=1)  # folds interleaved
    return reviews, run_pipeline_on_tmp_catalog("features", tmp, reviews), tmp


def test_vectorizers_never_see_test_rows(outputs) -> None:
    _, catalog, _ = outputs
    for kind in ("bow", "tfidf"):
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


def test_report_files(outputs) -> None:
    _, _, tmp = outputs
    report_dir = tmp / "data/08_reporting/features"
    metrics = json.loads((report_dir / "metrics.json").read_text())
    assert metrics["tfidf"]["probe_val_accuracy"] >= 0.9  # separable synthetic data
    assert 0.0 < metrics["bow"]["sparsity_fit"] < 1.0
    assert "seconds" not in json.dumps(metrics)  # timings live in timings.json
    assert "fit_seconds" in json.loads((report_dir / "timings.json").read_text())["tfidf"]
    assert "| vocabulary size |" in (report_dir / "report.md").read_text()


def test_select_documents_orders_rows_by_fold() -> None:
    reviews = synthetic_reviews(n_per_fold=3).sample(frac=1.0, random_state=0)
    docs, rows = select_documents(reviews)
    assert list(rows["fold"]) == ["fit"] * 3 + ["val"] * 3 + ["test"] * 3
    assert list(rows["row"]) == [0, 1, 2] * 3
    assert isinstance(docs, pd.DataFrame) and "tokens" in docs
