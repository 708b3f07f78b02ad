"""Drift between a reference and a current batch of reviews (Evidently 0.7 report + summary).

The one drift implementation of the project: the ``drift`` stage, ``score``, the retrain gate
and the Airflow gate all call :func:`run_drift` (the stage and ``score`` through
:func:`champion_drift`, the gates through :func:`gate_drift`), and write its page with
:func:`report_html` (the verdict first).
"""

from .descriptors import DESCRIPTORS, compute_descriptors
from .gate import DriftSetup, champion_drift, drift_setup, gate_drift
from .header import verdict_lines
from .reference import frequent_vocabulary, reference_side, split_sides
from .report import DriftResult, report_html, run_drift, snapshot_dict
from .sides import ChampionScores, TextTools
from .summary import SUMMARY_KEYS, select_thresholds

__all__ = [
    "DESCRIPTORS",
    "SUMMARY_KEYS",
    "ChampionScores",
    "DriftResult",
    "DriftSetup",
    "TextTools",
    "champion_drift",
    "compute_descriptors",
    "drift_setup",
    "frequent_vocabulary",
    "gate_drift",
    "reference_side",
    "report_html",
    "run_drift",
    "select_thresholds",
    "snapshot_dict",
    "split_sides",
    "verdict_lines",
]
