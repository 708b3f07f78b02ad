"""Latency and throughput of a model, always measured from RAW review text."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from mlops_pipeline.models.base import TextModel


def latency_ms(model: TextModel, texts: Sequence[str], warmup: int = 2) -> dict[str, float]:
    """Per-review latency at batch size 1: median and 95th percentile in milliseconds."""
    texts = list(texts)
    if not texts:
        return {"latency_ms_median": float("nan"), "latency_ms_p95": float("nan")}
    for text in texts[:warmup]:
        model.predict_proba([text])
    times = []
    for text in texts:
        start = time.perf_counter()
        model.predict_proba([text])
        times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {
        "latency_ms_median": round(statistics.median(times), 3),
        "latency_ms_p95": round(p95, 3),
    }


def throughput_batch_size(
    max_reviews: int, latency_ms_median: float, budget_seconds: float, floor: int
) -> int:
    """Reviews in the throughput batch: ``max_reviews``, cut to about ``budget_seconds`` of work.

    A slow model (BERT on CPU: ~45 ms a review) would spend minutes on a 2,000-review batch;
    its per-review latency bounds the batch so that every model costs seconds, never less than
    ``floor`` reviews (enough for batching to pay off).
    """
    if not latency_ms_median or latency_ms_median != latency_ms_median:  # 0 or NaN
        return max_reviews
    affordable = int(budget_seconds * 1000.0 / latency_ms_median)
    return max(min(max_reviews, floor), min(max_reviews, affordable))


def throughput(model: TextModel, texts: Sequence[str]) -> dict[str, float]:
    """Reviews per second for one large batch of raw texts."""
    texts = list(texts)
    start = time.perf_counter()
    model.predict_proba(texts)
    seconds = time.perf_counter() - start
    return {
        "throughput_reviews_per_s": round(len(texts) / max(seconds, 1e-9), 1),
        "throughput_batch": len(texts),
    }
