"""Nodes of ``score``: validate the batch, pick the champion, predict, report drift.

The champion comes from :func:`mlops_pipeline.models.champion.select_champion` over the
models of every training pipeline (the same seam as ``drift``).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.drift import (
    frequent_vocabulary,
    run_drift,
    snapshot_dict,
    snapshot_html,
    split_sides,
)
from mlops_pipeline.models.base import shared_preprocessor
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.scoring import batch_name, check_rejects, score_accepted, validate_reviews

logger = logging.getLogger(__name__)


def validate_batch(
    frame: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], str, dict[str, Any]]:
    """``(accepted rows, {batch: {"rejects.parquet": rejects}}, batch name, counts)``.

    The rejects file is written even when the run then fails on the reject share."""
    source = frame.attrs.get("source", params["input"])
    accepted, rejects = validate_reviews(
        frame,
        max_chars=params["max_chars"],
        require_label=params["require_label"],
        source=source,
    )
    batch = batch_name(source)
    reasons = rejects["reason"].value_counts().sort_index().to_dict() if len(rejects) else {}
    counts = {
        "batch": batch,
        "input": str(source),
        "rows": int(len(frame)),
        "accepted": int(len(accepted)),
        "rejected": int(len(rejects)),
        "reject_reasons": {str(k): int(v) for k, v in reasons.items()},
    }
    logger.info(
        "score: batch %s, %d rows, %d accepted, %d rejected",
        batch,
        counts["rows"],
        counts["accepted"],
        counts["rejected"],
    )
    return accepted, {batch: {"rejects.parquet": rejects}}, batch, counts


def gate_rejects(
    accepted: pd.DataFrame, counts: dict[str, Any], params: dict[str, Any]
) -> pd.DataFrame:
    """The accepted rows, or a one-line error when too many rows were rejected."""
    check_rejects(
        counts["rows"], counts["reject_reasons"], params["max_reject_share"], counts["input"]
    )
    return accepted


def predict_batch(
    accepted: pd.DataFrame, champion: ModelHandle, batch: str, params: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], np.ndarray]:
    """``({batch: {"predictions.parquet": table}}, probabilities)`` in input order."""
    table = score_accepted(
        accepted,
        champion,
        n_process=params["n_process"],
        chunk_size=params["chunk_size"],
        show_progress=True,
    )
    return {batch: {"predictions.parquet": table}}, table["probability"].to_numpy()


def drift_of_batch(
    accepted: pd.DataFrame,
    proba: np.ndarray,
    champion: ModelHandle,
    champion_val: pd.DataFrame,
    champion_info: dict[str, Any],
    reviews: pd.DataFrame,
    preprocessed: pd.DataFrame,
    embedder: Any,
    counts: dict[str, Any],
    batch: str,
    params: dict[str, Any],
    drift_params: dict[str, Any],
    seed: int,
) -> dict[str, dict[str, Any]]:
    """``{batch: {summary.json[, drift_report.html, evidently.json, drift_summary.json]}}``:
    the batch against the champion's reference (training reviews; its ``val`` predictions)."""
    files: dict[str, Any] = {}
    summary = {**counts, "champion": champion_info}
    if params["drift_report"] and len(accepted):
        reference, _ = split_sides(reviews, preprocessed, drift_params)
        val = champion_val.merge(reviews[["review_id", "label"]], on="review_id", how="left")
        has_labels = "label" in accepted and accepted["label"].notna().all()
        result = run_drift(
            reference,
            accepted,
            params=drift_params,
            seed=seed,
            vocabulary=frequent_vocabulary(embedder, drift_params["oov_vocabulary_size"]),
            embedder=embedder,
            preprocessor=shared_preprocessor(champion.load().preprocess_config),
            reference_proba=val["proba"].to_numpy(),
            reference_labels=val["label"].to_numpy(),
            current_proba=proba,
            current_labels=accepted["label"].to_numpy() if has_labels else None,
        )
        if result.measurable:  # a batch too small to measure has no report, only its reason
            files["drift_report.html"] = snapshot_html(result.snapshot)
            files["evidently.json"] = snapshot_dict(result.snapshot)
        files["drift_summary.json"] = {**result.summary, "champion": champion_info}
        summary["drift_detected"] = result.summary["drift_detected"]
        summary["drift"] = result.summary["reason"]
    files["summary.json"] = summary
    return {batch: files}
