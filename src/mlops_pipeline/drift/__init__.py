"""Drift between a reference and a current batch of reviews (Evidently 0.7 report + summary).

The one drift implementation of the project: the ``drift`` stage, ``score``, the retrain gate
and the Airflow gate all call :func:`run_drift` (the gates through :func:`gate_drift`).
"""

from .descriptors import DESCRIPTORS, compute_descriptors
from .gate import champion_drift, gate_drift
from .reference import frequent_vocabulary, split_sides
from .report import (
    SUMMARY_KEYS,
    DriftResult,
    run_drift,
    select_thresholds,
    snapshot_dict,
    snapshot_html,
)

__all__ = [
    "DESCRIPTORS",
    "SUMMARY_KEYS",
    "champion_drift",
    "DriftResult",
    "compute_descriptors",
    "frequent_vocabulary",
    "gate_drift",
    "run_drift",
    "select_thresholds",
    "snapshot_dict",
    "snapshot_html",
    "split_sides",
]
