"""The project's verdict on a drift check: which thresholds apply, each signal's score against
its threshold, and the summary dict (``drift_summary.json``) every caller reads.

A signal has drifted when its score is above its calibrated threshold; drift is detected when
the share of drifted signals reaches ``drift_share``. A batch smaller than every calibrated
sample size is "too small to measure" (``measurable: false``, ``drift_detected: null``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from mlops_pipeline.metrics import classification_metrics

from .build import MetricPlan, metric_value
from .sides import Sides

logger = logging.getLogger(__name__)

SUMMARY_KEYS = (
    "drift_detected",
    "measurable",
    "reason",
    "calibrated_rows",
    "skipped_signals",
    "drifted_share",
    "drift_share_threshold",
    "n_signals",
    "n_drifted",
    "signals",
    "rows",
    "quality",
)
NO_TEXT_SIGNAL = "no word tells the sides apart (every word in almost every review)"


def select_thresholds(
    thresholds: Mapping[Any, Mapping[str, Any]], rows: int
) -> tuple[int, Mapping[str, Any]] | None:
    """``(size, thresholds)`` calibrated for the largest sample size ``<= rows``; ``None``
    when ``rows`` is below every calibrated size (too small to measure).

    Scores of a same-population batch shrink as the batch grows, so thresholds calibrated on a
    smaller sample than the batch are conservative (higher), never too low.
    """
    sizes = sorted(int(k) for k in thresholds)
    if not sizes:
        raise ValueError("drift.thresholds is empty: run benchmarks/drift_calibration.py --write")
    fitting = [size for size in sizes if size <= rows]
    if not fitting:
        return None
    by_int = {int(k): v for k, v in thresholds.items()}
    return fitting[-1], by_int[fitting[-1]]


def too_small_summary(n_reference: int, n_current: int, params: Mapping[str, Any]) -> dict:
    """The summary of a batch below the smallest calibrated sample size."""
    smallest = min(int(k) for k in params["thresholds"])
    reason = f"too small to measure: {n_current} rows, the smallest calibrated sample is {smallest}"
    logger.warning("drift: %s", reason)
    return {
        "drift_detected": None,
        "measurable": False,
        "reason": reason,
        "calibrated_rows": None,
        "skipped_signals": {},
        "drifted_share": None,
        "drift_share_threshold": float(params["drift_share"]),
        "n_signals": 0,
        "n_drifted": 0,
        "signals": {},
        "rows": {"reference": n_reference, "current": n_current},
        "quality": None,
    }


def _signal(score: float, threshold: float) -> dict[str, Any]:
    score = float(score)
    return {"score": round(score, 6), "threshold": float(threshold), "drifted": score > threshold}


def signals_of(
    snapshot: Any, plan: MetricPlan, thresholds: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``(signals, skipped)``: each signal's score, threshold and whether it drifted, in
    report order; ``skipped`` says why a planned signal is missing."""
    signals: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    if plan.text is not None:
        signals["text"] = _signal(metric_value(snapshot, plan.text), thresholds["text"])
    else:
        skipped["text"] = NO_TEXT_SIGNAL
    for name, metric in plan.descriptors.items():
        score = metric_value(snapshot, metric)
        signals[f"descriptor:{name}"] = _signal(score, thresholds["descriptors"][name])
    for name, metric in (("embeddings", plan.embeddings), ("prediction", plan.prediction)):
        if metric is not None:
            signals[name] = _signal(metric_value(snapshot, metric), thresholds[name])
    return signals, skipped


def _quality(proba: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """The champion's accuracy / ROC AUC / rows on one side (the project's metrics function)."""
    scores = classification_metrics(labels, proba)
    return {key: scores[key] for key in ("accuracy", "roc_auc", "rows")}


def quality_of(sides: Sides) -> dict[str, Any] | None:
    """The champion's quality on both sides when every current row has a label."""
    if not sides.with_quality:
        return None
    frames = {"reference": sides.reference, "current": sides.current}
    return {k: _quality(df["proba"].to_numpy(), df["label"].to_numpy()) for k, df in frames.items()}


def summarise(
    signals: tuple[dict[str, dict[str, Any]], dict[str, str]],
    sides: Sides,
    calibrated_rows: int,
    params: Mapping[str, Any],
    rows: tuple[int, int],
) -> dict[str, Any]:
    """The ``drift_summary.json`` dict (keys :data:`SUMMARY_KEYS`) of a measured batch;
    ``rows`` are the full sizes (reference, current) before sampling."""
    scored, skipped = signals
    n_drifted = sum(s["drifted"] for s in scored.values())
    share = n_drifted / len(scored)
    drift_share = float(params["drift_share"])
    n_ref, n_cur = len(sides.reference), len(sides.current)
    return {
        "drift_detected": bool(share >= drift_share),
        "measurable": True,
        "reason": (
            f"{n_drifted} of {len(scored)} signals drifted (drift from a share of "
            f"{drift_share}); {n_cur} current vs {n_ref} reference "
            f"rows, thresholds calibrated at {calibrated_rows} rows"
        ),
        "calibrated_rows": calibrated_rows,
        "skipped_signals": skipped,
        "drifted_share": round(share, 6),
        "drift_share_threshold": drift_share,
        "n_signals": len(scored),
        "n_drifted": int(n_drifted),
        "signals": scored,
        "rows": {
            "reference": int(rows[0]),
            "current": int(rows[1]),
            "reference_sampled": n_ref,
            "current_sampled": n_cur,
        },
        "quality": quality_of(sides),
    }
