"""Nodes of ``preprocess``: clean and tokenize every review (all folds), then report."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.text import TextPreprocessor

logger = logging.getLogger(__name__)

COLUMNS = ["review_id", "split", "fold", "label", "text_light", "tokens"]


def preprocess_reviews(
    reviews: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Add ``text_light`` and ``tokens`` to every review, keeping row order and ``review_id``.

    Returns the primary table and the stage timings (kept out of the metrics on purpose).
    """
    preprocessor = TextPreprocessor(params)
    config = preprocessor.to_config()
    texts = reviews["text"].fillna("").astype(str).tolist()

    start = time.perf_counter()
    # One parallel pass: workers return both columns (``tokens`` starts from ``text_light``).
    text_light, tokens = preprocessor.light_and_tokens(
        texts, n_process=config["n_process"], show_progress=config["show_progress"]
    )
    seconds = time.perf_counter() - start
    if len(tokens) != len(texts):  # a lost row would silently misalign labels downstream
        raise RuntimeError(f"preprocess produced {len(tokens)} token lists for {len(texts)} rows")

    table = pd.DataFrame(
        {
            "review_id": reviews["review_id"].to_numpy(),
            "split": reviews["split"].to_numpy(),
            "fold": reviews["fold"].to_numpy(),
            # ``.array`` keeps the nullable Int8 (``to_numpy`` would turn it into float/NaN).
            "label": reviews["label"].astype("Int8").array,
            "text_light": text_light,
            "tokens": tokens,
        }
    )
    rate = len(texts) / max(seconds, 1e-9)
    logger.info(
        "preprocess: %d reviews, %d tokens in %.1f s (%.0f reviews/s, n_process=%s)",
        len(table),
        sum(map(len, tokens)),
        seconds,
        rate,
        config["n_process"],
    )
    timings = {
        "rows": len(table),
        "seconds": round(seconds, 2),
        "reviews_per_second": round(rate, 1),
        "n_process": config["n_process"],
    }
    return table[COLUMNS], timings


def report_preprocess(table: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """Counts and token statistics (no timings), for ``dvc metrics``."""
    lengths = table["tokens"].map(len).to_numpy() if len(table) else np.zeros(0, dtype=int)
    vocab: Counter[str] = Counter()
    for tokens in table["tokens"]:
        vocab.update(tokens)
    empty = lengths == 0

    def _stats(values: np.ndarray) -> dict[str, float]:
        if not len(values):
            return {"mean": 0.0, "median": 0.0, "p95": 0.0, "max": 0}
        return {
            "mean": round(float(values.mean()), 2),
            "median": float(np.median(values)),
            "p95": float(np.percentile(values, 95)),
            "max": int(values.max()),
        }

    config = TextPreprocessor(params).to_config()
    report = {
        "rows": int(len(table)),
        "rows_per_fold": {k: int(v) for k, v in table["fold"].value_counts().sort_index().items()},
        "tokens_total": int(lengths.sum()),
        "tokens_per_review": _stats(lengths),
        "vocabulary_size": len(vocab),
        "empty_token_lists": int(empty.sum()),
        "empty_token_list_ids": table.loc[empty, "review_id"].head(20).tolist(),
        "empty_text_light": int(table["text_light"].eq("").sum()),
        "top_tokens": dict(vocab.most_common(20)),
        "config": {
            k: config[k] for k in ("tokenizer", "lemmatizer", "stemmer", "drop_punct", "keep_punct")
        },
    }
    logger.info(
        "preprocess report: %d rows, %d tokens (mean %.1f / review), vocabulary %d, %d empty",
        report["rows"],
        report["tokens_total"],
        report["tokens_per_review"]["mean"],
        report["vocabulary_size"],
        report["empty_token_lists"],
    )
    return report
