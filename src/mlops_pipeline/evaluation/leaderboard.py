"""The leaderboard: one row per model, sorted by test accuracy (CSV + Markdown).

It is a report, not a selection rule: the champion is the model with the best
``val_accuracy`` (its card's ``val_metrics``), never the top row of this test-sorted table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .references import compare

#: Documented columns, in order (docs/models.md "Leaderboard").
LEADERBOARD_COLUMNS = (
    "rank",
    "model_id",
    "family",
    "representation",
    "accuracy",
    "f1",
    "roc_auc",
    "test_rows",
    "subset_accuracy",
    "short_accuracy",
    "val_accuracy",
    "train_rows",
    "device",
    "train_seconds",
    "latency_ms_median",
    "throughput_reviews_per_s",
    "size_mb",
    "published_reference",
    "vs_published",
)


def build_leaderboard(
    metrics: Mapping[str, Mapping[str, Any]],
    timings: Mapping[str, Mapping[str, Any]],
    cards: Mapping[str, Mapping[str, Any]],
    short: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Join test metrics, one-sentence accuracy (``short``), timings and model cards per
    ``model_id``; best accuracy first."""
    rows = []
    for model_id, m in metrics.items():
        card, t = cards.get(model_id, {}), timings.get(model_id, {})
        one_sentence = (short or {}).get(model_id, {})
        rows.append(
            {
                "model_id": model_id,
                "family": card.get("family"),
                "representation": card.get("features"),
                "accuracy": m.get("accuracy"),
                "f1": m.get("f1"),
                "roc_auc": m.get("roc_auc"),
                "test_rows": m.get("rows"),
                "subset_accuracy": m.get("subset_accuracy"),
                "short_accuracy": one_sentence.get("short_accuracy"),
                "val_accuracy": (card.get("val_metrics") or {}).get("accuracy"),
                "train_rows": card.get("train_rows"),
                "device": card.get("device"),
                "train_seconds": card.get("train_seconds"),
                "latency_ms_median": t.get("latency_ms_median"),
                "throughput_reviews_per_s": t.get("throughput_reviews_per_s"),
                "size_mb": round(card.get("size_bytes", 0) / 1e6, 2),
                **dict(
                    zip(
                        ("published_reference", "vs_published"),
                        compare(m.get("accuracy"), card),
                        strict=True,
                    )
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=[c for c in LEADERBOARD_COLUMNS if c != "rank"])
    # Ranked on the fixed test subset every model is scored on (when evaluate has one), so a
    # subset-scored model (BERT on CPU) is compared on the same reviews; then full accuracy.
    frame = frame.sort_values(
        ["subset_accuracy", "accuracy", "f1", "model_id"],
        ascending=[False, False, False, True],
        kind="stable",
        na_position="last",
    ).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame
