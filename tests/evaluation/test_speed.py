"""The throughput batch is bounded by a model's latency, never below the latency sample."""

from __future__ import annotations

import math

from mlops_pipeline.evaluation import throughput_batch_size


def test_fast_model_keeps_the_whole_batch():
    assert throughput_batch_size(2000, 1.3, budget_seconds=15, floor=200) == 2000


def test_slow_model_is_timed_on_about_the_budget():
    # 45 ms a review: 15 s buys 333 reviews, not 2,000 (90 s)
    assert throughput_batch_size(2000, 45.0, budget_seconds=15, floor=200) == 333


def test_never_below_the_floor():
    assert throughput_batch_size(2000, 500.0, budget_seconds=15, floor=200) == 200
    assert throughput_batch_size(100, 500.0, budget_seconds=15, floor=200) == 100


def test_unknown_latency_keeps_the_batch():
    assert throughput_batch_size(2000, math.nan, budget_seconds=15, floor=200) == 2000
