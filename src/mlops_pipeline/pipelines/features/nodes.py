"""Nodes of ``features``: fit BoW / TF-IDF on the train reviews, vectorize each fold, report.

Vectorizers are fit on all train reviews (``fit`` + ``val``), never on ``test`` (DESIGN.md
"Who sees what"). Matrix rows follow ``features_rows`` (:mod:`mlops_pipeline.folds`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mlops_pipeline import folds
from mlops_pipeline.features import TokenVectorizer, build_vectorizer, probe_val_accuracy

logger = logging.getLogger(__name__)

KINDS = ("bow", "tfidf")


def select_documents(
    preprocessed: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Token lists of the ``fit``, ``val`` and ``test`` reviews in matrix row order, and the
    rows table (``review_id``, ``fold``, ``label``, ``row``)."""
    by_fold, rows = folds.select_documents(preprocessed)
    logger.info("features: %s reviews per fold", {f: len(d) for f, d in by_fold.items()})
    return by_fold["fit"], by_fold["val"], by_fold["test"], rows


def _fit(
    kind: str,
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
) -> TokenVectorizer:
    vectorizer = build_vectorizer(kind, params, stop_words)
    vectorizer.fit([*fit_docs["tokens"], *val_docs["tokens"]])
    logger.info("features: %s vocabulary of %d terms", kind, vectorizer.n_features)
    return vectorizer


def fit_bow(
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
) -> TokenVectorizer:
    """Bag-of-Words vectorizer fit on the train reviews (fit + val)."""
    return _fit("bow", fit_docs, val_docs, params, stop_words)


def fit_tfidf(
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
) -> TokenVectorizer:
    """TF-IDF vectorizer fit on the train reviews (fit + val)."""
    return _fit("tfidf", fit_docs, val_docs, params, stop_words)


def fit_ngrams(
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
) -> TokenVectorizer:
    """Binary n-gram (default 1-3) presence vectorizer fit on the train reviews (fit + val)."""
    return _fit("bow", fit_docs, val_docs, params, stop_words)


def transform(vectorizer: TokenVectorizer, docs: pd.DataFrame) -> sp.csr_matrix:
    """The matrix of one fold: row ``i`` is ``docs`` row ``i``."""
    return vectorizer.transform(docs["tokens"])


def _sparsity(matrix: sp.spmatrix) -> float | None:
    cells = matrix.shape[0] * matrix.shape[1]
    return round(1.0 - matrix.nnz / cells, 6) if cells else None


def summarise(
    vectorizer: TokenVectorizer,
    x_fit: sp.csr_matrix,
    x_val: sp.csr_matrix,
    x_test: sp.csr_matrix,
    test_docs: pd.DataFrame,
) -> dict[str, Any]:
    """Vocabulary, shapes, sparsity, empty rows and test-token OOV share of one vectorizer."""
    matrices = {"fit": x_fit, "val": x_val, "test": x_test}
    names = vectorizer.feature_names
    orders = np.char.count(names.astype(str), " ") + 1 if len(names) else np.array([], dtype=int)
    vocab = set(names[orders == 1].tolist())
    test_tokens = [t for doc in test_docs["tokens"] for t in doc]
    doc_freq = np.asarray((sp.vstack([x_fit, x_val]) > 0).sum(axis=0)).ravel()
    summary: dict[str, Any] = {
        "vocabulary_size": int(vectorizer.n_features),
        "terms_per_ngram_order": {
            str(int(k)): int(v) for k, v in zip(*np.unique(orders, return_counts=True), strict=True)
        },
        "shapes": {f: list(m.shape) for f, m in matrices.items()},
        "nnz": {f: int(m.nnz) for f, m in matrices.items()},
        "sparsity": {f: _sparsity(m) for f, m in matrices.items()},
        "mean_nonzeros_per_row": {
            f: round(m.nnz / max(m.shape[0], 1), 1) for f, m in matrices.items()
        },
        "empty_rows": {f: int((m.getnnz(axis=1) == 0).sum()) for f, m in matrices.items()},
        "test_token_oov_share": (
            round(sum(t not in vocab for t in test_tokens) / len(test_tokens), 6)
            if test_tokens
            else None
        ),
        "top_terms_by_document_frequency": [
            str(names[i]) for i in np.argsort(-doc_freq, kind="stable")[:15]
        ],
    }
    if vectorizer.kind == "tfidf" and x_fit.shape[0]:
        norms = sp.linalg.norm(x_fit, axis=1)
        summary["fit_row_norm_range"] = [round(float(norms.min()), 6), round(float(norms.max()), 6)]
    logger.info("features: %s shapes %s", vectorizer.kind, summary["shapes"])
    return summary


def probe(
    x_fit: sp.csr_matrix,
    x_val: sp.csr_matrix,
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    options: dict[str, Any],
    seed: int,
) -> dict[str, Any]:
    """Val accuracy of a logistic regression trained on ``fit`` (``None`` when disabled)."""
    accuracy = None
    if options.get("enabled", True):
        accuracy = probe_val_accuracy(
            x_fit, fit_docs["label"], x_val, val_docs["label"], options.get("C", 1.0), seed
        )
    logger.info("features: logistic-regression probe, val accuracy %s", accuracy)
    return {"val_accuracy": None if accuracy is None else round(accuracy, 5)}


def report_features(
    bow: dict[str, Any],
    tfidf: dict[str, Any],
    bow_probe: dict[str, Any],
    tfidf_probe: dict[str, Any],
    ngrams: dict[str, Any] | None = None,
    ngrams_probe: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Headline metrics, the full details and a Markdown report (no timings anywhere)."""
    details = {
        "bow": {**bow, "probe_val_accuracy": bow_probe["val_accuracy"]},
        "tfidf": {**tfidf, "probe_val_accuracy": tfidf_probe["val_accuracy"]},
    }
    if ngrams is not None:
        details["ngrams"] = {
            **ngrams,
            "probe_val_accuracy": (ngrams_probe or {}).get("val_accuracy"),
        }
    metrics = {
        kind: {
            "vocabulary_size": d["vocabulary_size"],
            "nnz_fit": d["nnz"]["fit"],
            "probe_val_accuracy": d["probe_val_accuracy"],
        }
        for kind, d in details.items()
    }
    return metrics, details, _markdown(details)


def _markdown(details: dict[str, dict[str, Any]]) -> str:
    rows: dict[str, dict[str, Any]] = {}
    for kind, d in details.items():
        column = {
            "vocabulary size": d["vocabulary_size"],
            "terms per n-gram order": d["terms_per_ngram_order"],
            **{f"shape {f}": tuple(d["shapes"][f]) for f in folds.FOLDS},
            **{f"non-zeros {f}": d["nnz"][f] for f in folds.FOLDS},
            **{f"sparsity {f}": f"{100 * (d['sparsity'][f] or 0):.3f} %" for f in folds.FOLDS},
            "mean non-zeros per row (fit)": d["mean_nonzeros_per_row"]["fit"],
            "empty rows (test)": d["empty_rows"]["test"],
            "test tokens out of vocabulary": d["test_token_oov_share"],
            "LR probe val accuracy (trained on fit)": d["probe_val_accuracy"],
        }
        rows[{"bow": "BoW", "tfidf": "TF-IDF", "ngrams": "binary n-grams"}[kind]] = {
            k: str(v) for k, v in column.items()
        }
    lines = [
        "# Features sanity report",
        "",
        "Vectorizers fit on the train reviews (fit + val); test rows only transformed.",
        "",
        pd.DataFrame(rows).to_markdown(),
    ]
    if "fit_row_norm_range" in details["tfidf"]:
        lines += ["", f"TF-IDF row L2 norms (fit): {details['tfidf']['fit_row_norm_range']}"]
    for kind, d in details.items():
        terms = ", ".join(f"`{t}`" for t in d["top_terms_by_document_frequency"])
        lines += ["", f"Most frequent {kind} terms (document frequency, train): {terms}"]
    return "\n".join(lines) + "\n"
