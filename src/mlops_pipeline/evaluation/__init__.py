"""Evaluation library: metrics, curve data, latency/throughput, PNG plots, the leaderboard."""

from .leaderboard import LEADERBOARD_COLUMNS, build_leaderboard
from .metrics import METRIC_KEYS, classification_metrics, confusion_rows, pr_points, roc_points
from .speed import latency_ms, throughput, throughput_batch_size

__all__ = [
    "LEADERBOARD_COLUMNS",
    "METRIC_KEYS",
    "build_leaderboard",
    "classification_metrics",
    "confusion_rows",
    "latency_ms",
    "pr_points",
    "roc_points",
    "throughput",
    "throughput_batch_size",
]
