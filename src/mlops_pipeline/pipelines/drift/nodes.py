"""Nodes of ``drift``: the champion (best val accuracy), the two sides, the report.

Heavy lifting lives in :mod:`mlops_pipeline.drift`; the champion rule
(:func:`mlops_pipeline.models.champion.choose_champion`, a node of this pipeline) in
:mod:`mlops_pipeline.models.champion`. Models and their val predictions arrive through the
catalog (every ``<pipeline>_models`` / ``<pipeline>_val_predictions`` of
:data:`mlops_pipeline.models.discovery.MODEL_INPUTS`); the registry is never read here.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.drift import DriftSetup, champion_drift, report_html, snapshot_dict
from mlops_pipeline.models.discovery import ModelHandle

logger = logging.getLogger(__name__)


def sample_current(current: pd.DataFrame, params: dict[str, Any], seed: int) -> pd.DataFrame:
    """A seeded sample of ``sample_size`` current rows (all rows when fewer), in order."""
    n, size = len(current), int(params["sample_size"])
    if n <= size:
        return current
    pos = np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
    return current.iloc[pos].reset_index(drop=True)


def predict_current(champion: ModelHandle, current: pd.DataFrame) -> np.ndarray:
    """The champion's positive-class probability on the current rows (its own preprocessing,
    or the cached preprocess tokens where the model proves they are equal)."""
    model = champion.load()
    proba = model.predict_proba_prepared(current)[:, 1]
    logger.info("drift: champion %s scored %d current rows", champion.model_id, len(proba))
    return np.asarray(proba, dtype=np.float64)


def drift_report(
    setup: DriftSetup,
    current: pd.DataFrame,
    current_proba: np.ndarray,
    champion_info: dict[str, Any],
) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(report.html, evidently.json, drift_summary.json, metrics.json)``: the current rows
    against the reference of ``setup`` (:func:`mlops_pipeline.drift.drift_setup`)."""
    result = champion_drift(setup, current, current_proba)
    summary = {**result.summary, "champion": champion_info}
    html = report_html(summary, result.snapshot)
    return html, snapshot_dict(result.snapshot), summary, drift_metrics(summary)


def drift_metrics(summary: dict[str, Any]) -> dict[str, Any]:
    """Few stable numbers for ``dvc metrics``: the gate and the main scores."""
    signals = summary["signals"]
    quality = summary.get("quality") or {}
    return {
        "drift_detected": summary["drift_detected"],
        "drifted_share": summary["drifted_share"],
        "text_score": signals["text"]["score"],
        "embeddings_score": signals.get("embeddings", {}).get("score"),
        "prediction_score": signals.get("prediction", {}).get("score"),
        "champion_val_accuracy": (quality.get("reference") or {}).get("accuracy"),
        "champion_current_accuracy": (quality.get("current") or {}).get("accuracy"),
    }
