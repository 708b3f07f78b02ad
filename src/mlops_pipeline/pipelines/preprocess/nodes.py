"""Nodes of ``preprocess``: clean and tokenize every review (all folds), then report."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.text import TextPreprocessor

logger = logging.getLogger(__name__)

COLUMNS = ["review_id", "split", "fold", "label", "text_light", "tokens"]


def preprocess_reviews(
    reviews: pd.DataFrame, text: dict[str, Any], speed: dict[str, Any]
) -> pd.DataFrame:
    """Add ``text_light`` and ``tokens`` to every review, keeping row order and ``review_id``.

    ``text`` (``preprocess.text``) decides the tokens; ``speed`` (``preprocess.speed``:
    ``n_process``, ``chunk_size``, ``show_progress``) only how fast they come.
    """
    preprocessor = TextPreprocessor(text)
    texts = reviews["text"].fillna("").astype(str).tolist()
    # One parallel pass: workers return both columns (``tokens`` starts from ``text_light``).
    text_light, tokens = preprocessor.light_and_tokens(texts, **speed)
    if len(tokens) != len(texts):  # a lost row would silently misalign labels downstream
        raise RuntimeError(f"preprocess produced {len(tokens)} token lists for {len(texts)} rows")
    logger.info("preprocess: %d reviews, %d tokens", len(texts), sum(map(len, tokens)))
    return pd.DataFrame(
        {
            "review_id": reviews["review_id"].to_numpy(),
            "split": reviews["split"].to_numpy(),
            "fold": reviews["fold"].to_numpy(),
            # ``.array`` keeps the nullable Int8 (``to_numpy`` would turn it into float/NaN).
            "label": reviews["label"].astype("Int8").array,
            "text_light": text_light,
            "tokens": tokens,
        }
    )[COLUMNS]


def _stats(values: np.ndarray) -> dict[str, float]:
    if not len(values):
        return {"mean": 0.0, "median": 0.0, "p95": 0.0, "max": 0}
    return {
        "mean": round(float(values.mean()), 2),
        "median": float(np.median(values)),
        "p95": float(np.percentile(values, 95)),
        "max": int(values.max()),
    }


def report_preprocess(table: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    """Headline token statistics (no speeds) and the details (distribution, top tokens)."""
    lengths = table["tokens"].map(len).to_numpy() if len(table) else np.zeros(0, dtype=int)
    vocab: Counter[str] = Counter()
    for tokens in table["tokens"]:
        vocab.update(tokens)
    empty = lengths == 0
    metrics = {
        "rows": int(len(table)),
        "tokens_per_review_mean": _stats(lengths)["mean"],
        "vocabulary_size": len(vocab),
        "empty_token_lists": int(empty.sum()),
    }
    details = {
        **metrics,
        "rows_per_fold": {
            str(k): int(v) for k, v in table["fold"].value_counts().sort_index().items()
        },
        "tokens_total": int(lengths.sum()),
        "tokens_per_review": _stats(lengths),
        "empty_token_list_ids": table.loc[empty, "review_id"].head(20).tolist(),
        "empty_text_light": int(table["text_light"].eq("").sum()),
        "top_tokens": dict(vocab.most_common(20)),
    }
    logger.info(
        "preprocess report: %d rows, %d tokens (mean %.1f / review), vocabulary %d, %d empty",
        metrics["rows"],
        details["tokens_total"],
        metrics["tokens_per_review_mean"],
        metrics["vocabulary_size"],
        metrics["empty_token_lists"],
    )
    return metrics, details
