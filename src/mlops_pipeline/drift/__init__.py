"""Drift between a reference and a current batch of reviews (Evidently 0.7 report + summary)."""

from .descriptors import DESCRIPTORS, compute_descriptors
from .report import SUMMARY_KEYS, DriftResult, run_drift, snapshot_dict, snapshot_html

__all__ = [
    "DESCRIPTORS",
    "SUMMARY_KEYS",
    "DriftResult",
    "compute_descriptors",
    "run_drift",
    "snapshot_dict",
    "snapshot_html",
]
