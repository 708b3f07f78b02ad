"""Nodes of ``embeddings``: train Word2Vec / FastText, pool document vectors, report.

Word vectors are trained on every train review (``fit`` + ``val``) plus ``unsup``; the IDF used
for weighted pooling comes from the train reviews only. ``test`` is only transformed (DESIGN.md
"Who sees what"). Rows of ``embeddings_<family>_<pooling>_<fold>`` follow ``embeddings_rows``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.embeddings import POOLINGS, DocumentEmbedder, compute_idf, train_embedding
from mlops_pipeline.features import probe_val_accuracy

logger = logging.getLogger(__name__)

FOLDS = ("fit", "val", "test")
TRAIN_FOLDS = ("fit", "val")
CORPUS_FOLDS = ("fit", "val", "unsup")


def select_documents(preprocessed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Training corpus (fit + val + unsup), labelled documents by fold, and their row table."""
    corpus = preprocessed.loc[preprocessed["fold"].isin(CORPUS_FOLDS), ["review_id", "tokens"]]
    corpus = corpus.reset_index(drop=True)
    docs = preprocessed.loc[
        preprocessed["fold"].isin(FOLDS), ["review_id", "fold", "label", "tokens"]
    ].copy()
    docs["fold"] = pd.Categorical(docs["fold"], categories=FOLDS, ordered=True)
    docs = docs.sort_values("fold", kind="stable").reset_index(drop=True)
    docs["fold"] = docs["fold"].astype(str)
    docs["row"] = docs.groupby("fold").cumcount().astype("int64")
    rows = docs[["review_id", "fold", "label", "row"]].copy()
    logger.info(
        "embeddings: corpus of %d reviews (fit + val + unsup); documents %s",
        len(corpus),
        rows["fold"].value_counts().to_dict(),
    )
    return corpus, docs, rows


def compute_train_idf(docs: pd.DataFrame) -> dict[str, Any]:
    """Smooth IDF of every token over the train reviews (fit + val)."""
    train = docs.loc[docs["fold"].isin(TRAIN_FOLDS), "tokens"]
    terms, idf, n_docs = compute_idf(train)
    logger.info("embeddings: idf of %d terms over %d train reviews", len(terms), n_docs)
    return {"n_docs": n_docs, "terms": terms, "idf": np.round(idf, 6).tolist()}


def _train(
    family: str,
    corpus: pd.DataFrame,
    idf: dict[str, Any],
    params: dict[str, Any],
    workers: int | None,
    pooling: str,
    seed: int,
) -> tuple[Any, DocumentEmbedder, dict[str, Any]]:
    sentences = [list(tokens) for tokens in corpus["tokens"]]
    model, stats = train_embedding(family, sentences, params, seed, workers)
    embedder = DocumentEmbedder.from_gensim(
        model, idf["terms"], np.asarray(idf["idf"]), idf["n_docs"], pooling=pooling
    )
    return model, embedder, stats


def train_word2vec(
    corpus: pd.DataFrame,
    idf: dict[str, Any],
    params: dict[str, Any],
    workers: int | None,
    pooling: str,
    seed: int,
) -> tuple[Any, DocumentEmbedder, dict[str, Any]]:
    """Word2Vec on the corpus; the gensim model, its document embedder and training numbers."""
    return _train("word2vec", corpus, idf, params, workers, pooling, seed)


def train_fasttext(
    corpus: pd.DataFrame,
    idf: dict[str, Any],
    params: dict[str, Any],
    workers: int | None,
    pooling: str,
    seed: int,
) -> tuple[Any, DocumentEmbedder, dict[str, Any]]:
    """FastText on the corpus; the gensim model, its document embedder and training numbers."""
    return _train("fasttext", corpus, idf, params, workers, pooling, seed)


def document_vectors(
    embedder: DocumentEmbedder, docs: pd.DataFrame, probe: dict[str, Any], seed: int
) -> tuple[np.ndarray, ...]:
    """Mean and TF-IDF-weighted document vectors for fit / val / test, plus a summary.

    Returns ``mean_fit, mean_val, mean_test, tfidf_fit, tfidf_val, tfidf_test, summary``.
    """
    by_fold = {fold: docs.loc[docs["fold"] == fold, "tokens"] for fold in FOLDS}
    labels = {fold: docs.loc[docs["fold"] == fold, "label"].astype(int) for fold in FOLDS}
    matrices: dict[str, dict[str, np.ndarray]] = {}
    start = time.perf_counter()
    for pooling in POOLINGS:
        matrices[pooling] = {f: embedder.transform(by_fold[f], pooling) for f in FOLDS}
    pool_seconds = time.perf_counter() - start
    summary: dict[str, Any] = {
        "family": embedder.family,
        "vocabulary_size": embedder.vocabulary_size,
        "vector_size": embedder.vector_size,
        "shapes": {f: list(matrices["mean"][f].shape) for f in FOLDS},
        "oov": {f: embedder.oov_stats(by_fold[f]) for f in FOLDS},
        "probe_val_accuracy": {},
    }
    start = time.perf_counter()
    for pooling in POOLINGS:
        acc = None
        if probe.get("enabled", True):
            acc = probe_val_accuracy(
                matrices[pooling]["fit"],
                labels["fit"],
                matrices[pooling]["val"],
                labels["val"],
                probe.get("C", 1.0),
                seed,
            )
        summary["probe_val_accuracy"][pooling] = None if acc is None else round(acc, 5)
    summary["timings"] = {
        "pool_seconds": round(pool_seconds, 2),
        "probe_seconds": round(time.perf_counter() - start, 2),
    }
    logger.info(
        "embeddings: %s OOV share (test) %s, LR probe val accuracy %s",
        embedder.family,
        summary["oov"]["test"]["oov_share"],
        summary["probe_val_accuracy"],
    )
    return (
        *(matrices[p][f] for p in POOLINGS for f in FOLDS),
        summary,
    )


def _neighbours(embedder: DocumentEmbedder, words: list[str], topn: int) -> dict[str, Any]:
    return {w: [[n, round(s, 4)] for n, s in embedder.most_similar(w, topn)] for w in words}


def report_embeddings(
    w2v_training: dict[str, Any],
    ft_training: dict[str, Any],
    w2v_summary: dict[str, Any],
    ft_summary: dict[str, Any],
    w2v: DocumentEmbedder,
    ft: DocumentEmbedder,
    params: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    """Metrics (no timings), sanity details (neighbours, similarities), timings, Markdown."""
    families = {
        "word2vec": (w2v, w2v_training, w2v_summary),
        "fasttext": (ft, ft_training, ft_summary),
    }
    words, pairs, topn = params["neighbours"], params["pairs"], params["topn"]
    probes = params.get("oov_probes", [])
    metrics: dict[str, Any] = {}
    sanity: dict[str, Any] = {}
    timings: dict[str, Any] = {}
    for name, (emb, training, summary) in families.items():
        metrics[name] = {
            "vocabulary_size": summary["vocabulary_size"],
            "vector_size": summary["vector_size"],
            "corpus_tokens": training["corpus_tokens"],
            "oov_share_test": summary["oov"]["test"]["oov_share"],
            "subword_share_test": summary["oov"]["test"]["subword_share"],
            "probe_val_accuracy": summary["probe_val_accuracy"],
        }
        sanity[name] = {
            "neighbours": _neighbours(emb, words, topn),
            "similarities": {f"{a}|{b}": emb.similarity(a, b) for a, b in pairs},
            "oov": summary["oov"],
            "shapes": summary["shapes"],
            "oov_probes": {w: emb.word_vector(w) is not None for w in probes},
        }
        timings[name] = {
            k: training[k]
            for k in ("vocab_seconds", "train_seconds", "tokens_per_second", "workers")
        } | summary["timings"]

    lines = [
        "# Embeddings sanity report",
        "",
        "Word vectors trained on fit + val + unsup reviews; IDF for weighted pooling from fit + val;",
        "test is only transformed. Probe: logistic regression on standardised document vectors,",
        "trained on `fit`, accuracy on `val`.",
        "",
        "| | Word2Vec | FastText |",
        "|---|---|---|",
    ]

    def row(label: str, get: Any) -> None:
        lines.append(f"| {label} | {get('word2vec')} | {get('fasttext')} |")

    row("vocabulary size", lambda n: metrics[n]["vocabulary_size"])
    row("vector size", lambda n: metrics[n]["vector_size"])
    row("corpus tokens", lambda n: metrics[n]["corpus_tokens"])
    for fold in FOLDS:
        row(f"OOV token share ({fold})", lambda n, f=fold: sanity[n]["oov"][f]["oov_share"])
    row("tokens served by subwords (test)", lambda n: metrics[n]["subword_share_test"])
    row("docs without any vector (test)", lambda n: sanity[n]["oov"]["test"]["docs_without_vector"])
    for pooling in POOLINGS:
        row(
            f"probe val accuracy, {pooling} pooling",
            lambda n, p=pooling: metrics[n]["probe_val_accuracy"][p],
        )
    row("train seconds", lambda n: timings[n]["train_seconds"])
    row("tokens / s", lambda n: timings[n]["tokens_per_second"])
    row("doc-vector shape (fit)", lambda n: tuple(sanity[n]["shapes"]["fit"]))
    for name in families:
        lines += ["", f"## {name}: nearest neighbours", ""]
        for w, neigh in sanity[name]["neighbours"].items():
            shown = ", ".join(f"{n} ({s:.2f})" for n, s in neigh) or "(no vector)"
            lines.append(f"- **{w}**: {shown}")
        lines += [
            "",
            "Cosine similarities: "
            + ", ".join(
                f"{k} = {'n/a' if v is None else f'{v:.3f}'}"
                for k, v in sanity[name]["similarities"].items()
            ),
        ]
        if probes:
            lines += [
                "",
                "Has a vector: "
                + ", ".join(
                    f"{w}: {'yes' if ok else 'no'}" for w, ok in sanity[name]["oov_probes"].items()
                ),
            ]
    return metrics, sanity, timings, "\n".join(lines) + "\n"
