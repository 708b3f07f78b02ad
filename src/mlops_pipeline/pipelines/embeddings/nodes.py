"""Nodes of ``embeddings``: train Word2Vec / FastText, pool document vectors per fold, report.

Word vectors are trained on every train review (``fit`` + ``val``) plus ``unsup``; the IDF used
for weighted pooling comes from the train reviews only. ``test`` is only transformed (DESIGN.md
"Who sees what"). Rows of ``embeddings_<family>_<pooling>_<fold>`` follow ``embeddings_rows``
(:mod:`mlops_pipeline.folds`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline import folds
from mlops_pipeline.embeddings import POOLINGS, DocumentEmbedder, compute_idf, train_embedding
from mlops_pipeline.embeddings.paragraph import ParagraphEmbedder, train_doc2vec
from mlops_pipeline.features import probe_val_accuracy

logger = logging.getLogger(__name__)

#: Folds the word vectors are trained on (labels unused, so ``unsup`` joins the train reviews).
CORPUS_FOLDS = (*folds.TRAIN_FOLDS, "unsup")
FAMILIES = ("word2vec", "fasttext")


def select_corpus(preprocessed: pd.DataFrame) -> pd.DataFrame:
    """Token lists of the training corpus (fit + val + unsup), in table order."""
    corpus = preprocessed.loc[preprocessed["fold"].isin(CORPUS_FOLDS), ["review_id", "tokens"]]
    logger.info("embeddings: corpus of %d reviews (fit + val + unsup)", len(corpus))
    return corpus.reset_index(drop=True)


def select_documents(
    preprocessed: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Token lists of the ``fit``, ``val`` and ``test`` reviews in matrix row order, and the
    rows table (``review_id``, ``fold``, ``label``, ``row``)."""
    by_fold, rows = folds.select_documents(preprocessed)
    logger.info("embeddings: %s documents per fold", {f: len(d) for f, d in by_fold.items()})
    return by_fold["fit"], by_fold["val"], by_fold["test"], rows


def compute_train_idf(fit_docs: pd.DataFrame, val_docs: pd.DataFrame) -> dict[str, Any]:
    """Smooth IDF of every token over the train reviews (fit + val)."""
    terms, idf, n_docs = compute_idf([*fit_docs["tokens"], *val_docs["tokens"]])
    logger.info("embeddings: idf of %d terms over %d train reviews", len(terms), n_docs)
    return {"n_docs": n_docs, "terms": terms, "idf": np.round(idf, 6).tolist()}


def _sentences(corpus: pd.DataFrame) -> list[list[str]]:
    return [list(tokens) for tokens in corpus["tokens"]]


def train_word2vec(
    corpus: pd.DataFrame, params: dict[str, Any], workers: int | None, seed: int
) -> tuple[Any, dict[str, Any]]:
    """gensim Word2Vec on the corpus, and its training numbers (sizes and speed)."""
    return train_embedding("word2vec", _sentences(corpus), params, seed, workers)


def train_fasttext(
    corpus: pd.DataFrame, params: dict[str, Any], workers: int | None, seed: int
) -> tuple[Any, dict[str, Any]]:
    """gensim FastText on the corpus, and its training numbers (sizes and speed)."""
    return train_embedding("fasttext", _sentences(corpus), params, seed, workers)


def train_paragraph_vectors(
    corpus: pd.DataFrame,
    params: dict[str, Any],
    inference: dict[str, Any],
    workers: int | None,
    seed: int,
) -> tuple[ParagraphEmbedder, dict[str, Any]]:
    """Doc2Vec on the corpus (fit + val + unsup), kept as a pickle-free inferrer."""
    model, stats = train_doc2vec(_sentences(corpus), params, seed, workers or 1)
    embedder = ParagraphEmbedder.from_gensim(
        model, inference["epochs"], seed, inference["alpha"], inference["min_alpha"]
    )
    return embedder, stats


def paragraph_vectors(embedder: ParagraphEmbedder, docs: pd.DataFrame) -> np.ndarray:
    """Inferred paragraph vectors of one fold (every fold inferred alike: no train/serve skew)."""
    return embedder.transform(docs["tokens"])


def probe_paragraph_vectors(
    x_fit: np.ndarray,
    x_val: np.ndarray,
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    options: dict[str, Any],
    seed: int,
) -> dict[str, float | None]:
    """Val accuracy of a logistic regression trained on the ``fit`` paragraph vectors."""
    acc = None
    if options.get("enabled", True):
        y_fit, y_val = fit_docs["label"], val_docs["label"]
        acc = probe_val_accuracy(x_fit, y_fit, x_val, y_val, options.get("C", 1.0), seed)
    logger.info("embeddings: doc2vec LR probe val accuracy %s", acc)
    return {"inferred": None if acc is None else round(acc, 5)}


def build_embedder(model: Any, idf: dict[str, Any], pooling: str) -> DocumentEmbedder:
    """The gensim-free :class:`DocumentEmbedder` (word + subword vectors, train IDF)."""
    return DocumentEmbedder.from_gensim(
        model, idf["terms"], np.asarray(idf["idf"]), idf["n_docs"], pooling=pooling
    )


def document_vectors(
    embedder: DocumentEmbedder, docs: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and TF-IDF-weighted document vectors of one fold (row ``i`` = ``docs`` row ``i``)."""
    return embedder.transform(docs["tokens"], "mean"), embedder.transform(docs["tokens"], "tfidf")


def probe(
    mean_fit: np.ndarray,
    mean_val: np.ndarray,
    tfidf_fit: np.ndarray,
    tfidf_val: np.ndarray,
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    options: dict[str, Any],
    seed: int,
) -> dict[str, float | None]:
    """Val accuracy per pooling of a logistic regression trained on ``fit`` (``None``: off)."""
    vectors = {"mean": (mean_fit, mean_val), "tfidf": (tfidf_fit, tfidf_val)}
    accuracy: dict[str, float | None] = {}
    for pooling, (x_fit, x_val) in vectors.items():
        acc = None
        if options.get("enabled", True):
            y_fit, y_val = fit_docs["label"], val_docs["label"]
            acc = probe_val_accuracy(x_fit, y_fit, x_val, y_val, options.get("C", 1.0), seed)
        accuracy[pooling] = None if acc is None else round(acc, 5)
    logger.info("embeddings: LR probe val accuracy %s", accuracy)
    return accuracy


def summarise(
    embedder: DocumentEmbedder,
    fit_docs: pd.DataFrame,
    val_docs: pd.DataFrame,
    test_docs: pd.DataFrame,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Sizes, OOV shares per fold, nearest neighbours, similarities and OOV probes."""
    by_fold = {"fit": fit_docs, "val": val_docs, "test": test_docs}
    words, topn = options["neighbours"], options["topn"]
    return {
        "vocabulary_size": embedder.vocabulary_size,
        "vector_size": embedder.vector_size,
        "rows": {f: len(d) for f, d in by_fold.items()},
        "oov": {f: embedder.oov_stats(d["tokens"]) for f, d in by_fold.items()},
        "neighbours": {
            w: [[n, round(s, 4)] for n, s in embedder.most_similar(w, topn)] for w in words
        },
        "similarities": {
            f"{a}|{b}": _round(embedder.similarity(a, b)) for a, b in options["pairs"]
        },
        "oov_probes": {
            w: embedder.word_vector(w) is not None for w in options.get("oov_probes", [])
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def report_training_speed(
    word2vec_training: dict[str, Any],
    fasttext_training: dict[str, Any],
    doc2vec_training: dict[str, Any],
) -> dict[str, Any]:
    """Training seconds and tokens/s per family: a timings file, never a metric."""
    keys = ("workers", "vocab_seconds", "train_seconds", "tokens_per_second")
    return {
        "word2vec": {k: word2vec_training[k] for k in keys},
        "fasttext": {k: fasttext_training[k] for k in keys},
        "doc2vec": {k: doc2vec_training[k] for k in keys},
    }


CORPUS_KEYS = ("sentences", "corpus_tokens", "epochs")


def _doc2vec_section(training: dict[str, Any], probe: dict[str, Any]) -> tuple[dict, str]:
    """The paragraph vectors' details and their Markdown paragraph."""
    corpus = {k: training[k] for k in (*CORPUS_KEYS, "vocabulary_size")}
    markdown = (
        f"\n## doc2vec (paragraph vectors)\n\nPV trained on {corpus['sentences']} reviews "
        f"({corpus['corpus_tokens']} tokens, {corpus['epochs']} epochs, vocabulary "
        f"{corpus['vocabulary_size']}); every fold's vectors inferred. Probe val accuracy: "
        f"{probe['inferred']}\n"
    )
    return {"corpus": corpus, "probe_val_accuracy": probe}, markdown


def report_embeddings(
    word2vec_summary: dict[str, Any],
    fasttext_summary: dict[str, Any],
    word2vec_probe: dict[str, Any],
    fasttext_probe: dict[str, Any],
    word2vec_training: dict[str, Any],
    fasttext_training: dict[str, Any],
    doc2vec_probe: dict[str, Any],
    doc2vec_training: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Headline metrics, the full details and a Markdown report (no timings anywhere)."""
    details = {
        family: {
            **summary,
            "corpus": {k: training[k] for k in CORPUS_KEYS},
            "probe_val_accuracy": probe,
        }
        for family, summary, training, probe in (
            ("word2vec", word2vec_summary, word2vec_training, word2vec_probe),
            ("fasttext", fasttext_summary, fasttext_training, fasttext_probe),
        )
    }
    metrics = {
        family: {
            **{f"probe_val_accuracy_{p}": d["probe_val_accuracy"][p] for p in POOLINGS},
            "oov_share_test": d["oov"]["test"]["oov_share"],
        }
        for family, d in details.items()
    }
    metrics["doc2vec"] = {"probe_val_accuracy_inferred": doc2vec_probe["inferred"]}
    doc2vec, doc2vec_markdown = _doc2vec_section(doc2vec_training, doc2vec_probe)
    return metrics, {**details, "doc2vec": doc2vec}, _markdown(details) + doc2vec_markdown


def _markdown(details: dict[str, dict[str, Any]]) -> str:
    table: dict[str, dict[str, str]] = {}
    for family, d in details.items():
        column = {
            "vocabulary size": d["vocabulary_size"],
            "vector size": d["vector_size"],
            "corpus tokens": d["corpus"]["corpus_tokens"],
            **{f"OOV token share ({f})": d["oov"][f]["oov_share"] for f in folds.FOLDS},
            "tokens served by subwords (test)": d["oov"]["test"]["subword_share"],
            "docs without any vector (test)": d["oov"]["test"]["docs_without_vector"],
            **{f"probe val accuracy, {p} pooling": d["probe_val_accuracy"][p] for p in POOLINGS},
        }
        table[{"word2vec": "Word2Vec", "fasttext": "FastText"}[family]] = {
            k: str(v) for k, v in column.items()
        }
    lines = [
        "# Embeddings sanity report",
        "",
        "Word vectors trained on fit + val + unsup reviews; IDF for weighted pooling from fit +",
        "val; test is only transformed. Probe: logistic regression on standardised document",
        "vectors, trained on `fit`, accuracy on `val`. Training speed: `timings.json`.",
        "",
        pd.DataFrame(table).to_markdown(),
    ]
    for family, d in details.items():
        lines += ["", f"## {family}: nearest neighbours", ""]
        for word, neighbours in d["neighbours"].items():
            shown = ", ".join(f"{n} ({s:.2f})" for n, s in neighbours) or "(no vector)"
            lines.append(f"- **{word}**: {shown}")
        similarities = ", ".join(
            f"{k} = {'n/a' if v is None else f'{v:.3f}'}" for k, v in d["similarities"].items()
        )
        lines += ["", f"Cosine similarities: {similarities}"]
        if d["oov_probes"]:
            probes = ", ".join(f"{w}: {'yes' if ok else 'no'}" for w, ok in d["oov_probes"].items())
            lines += ["", f"Has a vector: {probes}"]
    return "\n".join(lines) + "\n"
