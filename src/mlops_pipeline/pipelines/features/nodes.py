"""Nodes of ``features``: fit BoW / TF-IDF on the train reviews, vectorize every fold, report.

Vectorizers are fit on all train reviews (``fit`` + ``val``), never on ``test`` (DESIGN.md
"Who sees what"). Matrix rows follow ``features_rows`` (``review_id``, ``fold``, ``label``,
``row``): row ``i`` of ``features_<kind>_<fold>`` is the review with ``fold == <fold>`` and
``row == i``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mlops_pipeline.features import TokenVectorizer, build_vectorizer, probe_val_accuracy

logger = logging.getLogger(__name__)

FOLDS = ("fit", "val", "test")
TRAIN_FOLDS = ("fit", "val")


def select_documents(preprocessed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labelled reviews ordered by fold (fit, val, test), and the row table of the matrices."""
    docs = preprocessed.loc[
        preprocessed["fold"].isin(FOLDS), ["review_id", "fold", "label", "tokens"]
    ].copy()
    docs["fold"] = pd.Categorical(docs["fold"], categories=FOLDS, ordered=True)
    docs = docs.sort_values("fold", kind="stable").reset_index(drop=True)
    docs["fold"] = docs["fold"].astype(str)
    docs["row"] = docs.groupby("fold").cumcount().astype("int64")
    rows = docs[["review_id", "fold", "label", "row"]].copy()
    logger.info("features: %s reviews per fold", rows["fold"].value_counts().to_dict())
    return docs, rows


def _sparsity(matrix: sp.spmatrix) -> float | None:
    cells = matrix.shape[0] * matrix.shape[1]
    return round(1.0 - matrix.nnz / cells, 6) if cells else None


def _build(
    kind: str,
    docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
    probe: dict[str, Any],
    seed: int,
) -> tuple[TokenVectorizer, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, dict[str, Any]]:
    vectorizer = build_vectorizer(kind, params, stop_words)
    train = docs[docs["fold"].isin(TRAIN_FOLDS)]
    start = time.perf_counter()
    vectorizer.fit(train["tokens"])
    fit_seconds = time.perf_counter() - start
    logger.info(
        "features: %s vocabulary of %d terms fit on %d train reviews in %.1f s",
        kind,
        vectorizer.n_features,
        len(train),
        fit_seconds,
    )
    start = time.perf_counter()
    matrices = {
        fold: vectorizer.transform(docs.loc[docs["fold"] == fold, "tokens"]) for fold in FOLDS
    }
    transform_seconds = time.perf_counter() - start

    names = vectorizer.feature_names
    orders = np.char.count(names.astype(str), " ") + 1 if len(names) else np.array([], dtype=int)
    vocab = set(names[orders == 1].tolist())
    test_tokens = [t for doc in docs.loc[docs["fold"] == "test", "tokens"] for t in doc]
    train_x = sp.vstack([matrices["fit"], matrices["val"]]).tocsc()
    doc_freq = np.asarray((train_x > 0).sum(axis=0)).ravel()
    top = np.argsort(-doc_freq, kind="stable")[:15]

    summary: dict[str, Any] = {
        "kind": kind,
        "vocabulary_size": int(vectorizer.n_features),
        "terms_per_ngram_order": {
            str(int(k)): int(v) for k, v in zip(*np.unique(orders, return_counts=True), strict=True)
        },
        "shapes": {fold: list(m.shape) for fold, m in matrices.items()},
        "sparsity": {fold: _sparsity(m) for fold, m in matrices.items()},
        "mean_nonzeros_per_row": {
            fold: round(m.nnz / max(m.shape[0], 1), 1) for fold, m in matrices.items()
        },
        "empty_rows": {fold: int((m.getnnz(axis=1) == 0).sum()) for fold, m in matrices.items()},
        "test_token_oov_share": (
            round(sum(t not in vocab for t in test_tokens) / len(test_tokens), 6)
            if test_tokens
            else None
        ),
        "top_terms_by_document_frequency": [str(names[i]) for i in top],
    }
    if kind == "tfidf" and matrices["fit"].shape[0]:
        norms = sp.linalg.norm(matrices["fit"], axis=1)
        summary["fit_row_norm_range"] = [round(float(norms.min()), 6), round(float(norms.max()), 6)]
    start = time.perf_counter()
    if probe.get("enabled", True):
        labels = {f: docs.loc[docs["fold"] == f, "label"].astype(int) for f in TRAIN_FOLDS}
        acc = probe_val_accuracy(
            matrices["fit"],
            labels["fit"],
            matrices["val"],
            labels["val"],
            probe.get("C", 1.0),
            seed,
        )
        summary["probe_val_accuracy"] = None if acc is None else round(acc, 5)
        logger.info("features: %s logistic-regression probe, val accuracy %s", kind, acc)
    summary["timings"] = {
        "fit_seconds": round(fit_seconds, 2),
        "transform_seconds": round(transform_seconds, 2),
        "probe_seconds": round(time.perf_counter() - start, 2),
    }
    logger.info("features: %s shapes %s, sparsity %s", kind, summary["shapes"], summary["sparsity"])
    return vectorizer, matrices["fit"], matrices["val"], matrices["test"], summary


def build_bow(
    docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
    probe: dict[str, Any],
    seed: int,
) -> tuple[TokenVectorizer, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, dict[str, Any]]:
    """Bag-of-Words: fit on fit + val, vectorize fit / val / test; a summary for the report."""
    return _build("bow", docs, params, stop_words, probe, seed)


def build_tfidf(
    docs: pd.DataFrame,
    params: dict[str, Any],
    stop_words: dict[str, Any] | None,
    probe: dict[str, Any],
    seed: int,
) -> tuple[TokenVectorizer, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, dict[str, Any]]:
    """TF-IDF: fit on fit + val, vectorize fit / val / test; a summary for the report."""
    return _build("tfidf", docs, params, stop_words, probe, seed)


def report_features(
    bow: dict[str, Any], tfidf: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Split the summaries into metrics (no timings), timings, and a Markdown report."""
    summaries = {"bow": bow, "tfidf": tfidf}
    metrics: dict[str, Any] = {}
    for kind, s in summaries.items():
        metrics[kind] = {
            "vocabulary_size": s["vocabulary_size"],
            "sparsity_fit": s["sparsity"]["fit"],
            "mean_nonzeros_per_row_fit": s["mean_nonzeros_per_row"]["fit"],
            "test_token_oov_share": s["test_token_oov_share"],
        }
        if "probe_val_accuracy" in s:
            metrics[kind]["probe_val_accuracy"] = s["probe_val_accuracy"]
    timings = {kind: s["timings"] for kind, s in summaries.items()}

    lines = ["# Features sanity report", ""]
    lines += [
        "Vectorizers fit on the train reviews (fit + val); test rows only transformed.",
        "",
        "| | BoW | TF-IDF |",
        "|---|---|---|",
    ]

    def row(label: str, key: Any) -> None:
        lines.append(f"| {label} | {key(bow)} | {key(tfidf)} |")

    row("vocabulary size", lambda s: s["vocabulary_size"])
    row("terms per n-gram order", lambda s: s["terms_per_ngram_order"])
    for fold in FOLDS:
        row(f"shape {fold}", lambda s, f=fold: tuple(s["shapes"][f]))
    for fold in FOLDS:
        row(f"sparsity {fold}", lambda s, f=fold: f"{100 * (s['sparsity'][f] or 0):.3f} %")
    row("mean non-zeros per row (fit)", lambda s: s["mean_nonzeros_per_row"]["fit"])
    row("empty rows (test)", lambda s: s["empty_rows"]["test"])
    row("test tokens out of vocabulary", lambda s: s["test_token_oov_share"])
    row("LR probe val accuracy (trained on fit)", lambda s: s.get("probe_val_accuracy"))
    row(
        "fit / transform seconds",
        lambda s: f"{s['timings']['fit_seconds']} / {s['timings']['transform_seconds']}",
    )
    if "fit_row_norm_range" in tfidf:
        lines += ["", f"TF-IDF row L2 norms (fit): {tfidf['fit_row_norm_range']}"]
    for kind, s in summaries.items():
        lines += [
            "",
            f"Most frequent {kind} terms (document frequency, train): "
            + ", ".join(f"`{t}`" for t in s["top_terms_by_document_frequency"]),
        ]
    return metrics, timings, "\n".join(lines) + "\n"
