"""Nodes of ``score``: validate the batch, pick the champion, predict, report drift, write
the run's two folders, fail when too many rows were rejected.

The champion comes from :func:`mlops_pipeline.models.champion.select_champion` over the
models of every training pipeline (the same seam as ``drift``). Every run writes its own
folders, named by :func:`mlops_pipeline.scoring.run_name` (the partition key of the two
``BatchFilesDataset`` outputs), so no run replaces or mixes with another.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.drift import DriftSetup, champion_drift, report_html, snapshot_dict
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import shared_preprocessor
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.run_summary import score_markdown
from mlops_pipeline.scoring import (
    PREDICTION_COLUMNS,
    batch_name,
    check_rejects,
    run_name,
    score_accepted,
    validate_reviews,
)

logger = logging.getLogger(__name__)


def validate_batch(
    frame: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, str, dict[str, Any]]:
    """``(accepted rows, rejected rows, run folder name, counts)``.

    The run name is ``<batch>-<sha256[:8] of the file>-<UTC time>``; ``counts`` carries it
    with the input path, its SHA-256, the start time and the row counts per reject reason."""
    source = frame.attrs.get("source", params["input"])
    sha256 = frame.attrs.get("sha256", "0" * 64)
    started = datetime.now(timezone.utc)
    accepted, rejects = validate_reviews(
        frame,
        max_chars=params["max_chars"],
        require_label=params["require_label"],
        source=source,
    )
    run = run_name(source, sha256, started)
    reasons = rejects["reason"].value_counts().sort_index().to_dict() if len(rejects) else {}
    counts = {
        "run": run,
        "batch": batch_name(source),
        "input": str(source),
        "sha256": sha256,
        "started_at": started.isoformat(timespec="milliseconds"),
        "rows": int(len(frame)),
        "accepted": int(len(accepted)),
        "rejected": int(len(rejects)),
        "reject_reasons": {str(k): int(v) for k, v in reasons.items()},
    }
    logger.info(
        "score: run %s, %d rows, %d accepted, %d rejected",
        run,
        counts["rows"],
        counts["accepted"],
        counts["rejected"],
    )
    return accepted, rejects, run, counts


def stop_on_reject_share(
    accepted: pd.DataFrame, counts: dict[str, Any], params: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``(rows to score, status)``: all accepted rows and ``{"status": "scored"}``, or, when
    too many rows were rejected, no row and ``{"status": "failed", "error": <one line>}``
    (the run still writes its rejects and summary, then fails: :func:`fail_on_rejects`)."""
    try:
        check_rejects(
            counts["rows"], counts["reject_reasons"], params["max_reject_share"], counts["input"]
        )
    except UserInputError as exc:
        return accepted.iloc[:0], {"status": "failed", "error": str(exc)}
    return accepted, {"status": "scored", "error": None}


def predict_batch(
    accepted: pd.DataFrame,
    champion: ModelHandle,
    counts: dict[str, Any],
    params: dict[str, Any],
) -> tuple[pd.DataFrame, np.ndarray]:
    """``(predictions table, probabilities)`` in input order; nothing is loaded for no row."""
    if not len(accepted):
        return pd.DataFrame(columns=list(PREDICTION_COLUMNS)), np.empty(0, dtype=np.float64)
    table = score_accepted(
        accepted,
        champion,
        n_process=params["n_process"],
        chunk_size=params["chunk_size"],
        show_progress=True,
        scored_at=counts["started_at"],
        dask_scheduler=params.get("dask_scheduler"),
    )
    return table, table["probability"].to_numpy()


def model_output_files(
    run: str, predictions: pd.DataFrame, rejects: pd.DataFrame, status: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """``({run: {predictions.parquet (unless the run failed), rejects.parquet}}, names)``."""
    files: dict[str, Any] = {"rejects.parquet": rejects}
    if status["status"] == "scored":
        files["predictions.parquet"] = predictions
    return {run: files}, sorted(files)


def drift_of_batch(
    accepted: pd.DataFrame,
    proba: np.ndarray,
    champion: ModelHandle,
    setup: DriftSetup,
    champion_info: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """``{drift_report.html, evidently.json, drift_summary.json}``: the scored rows against the
    champion's reference (``setup``: training reviews, its ``val`` predictions). A batch below
    the smallest calibrated size gets only ``drift_summary.json`` ("too small to measure ...");
    no scored row or ``score.drift_report: false``: nothing."""
    if not params["drift_report"] or not len(accepted):
        return {}
    preprocessor = shared_preprocessor(champion.load().preprocess_config)
    result = champion_drift(setup, accepted, proba, preprocessor)
    summary = {**result.summary, "champion": champion_info}
    files: dict[str, Any] = {"drift_summary.json": summary}
    if result.measurable:  # a batch too small to measure has no report, only its reason
        files["drift_report.html"] = report_html(summary, result.snapshot)
        files["evidently.json"] = snapshot_dict(result.snapshot)
    return files


def report_files(
    run: str,
    drift_files: dict[str, Any],
    counts: dict[str, Any],
    status: dict[str, Any],
    champion_info: dict[str, Any],
    model_output: list[str],
) -> tuple[dict[str, dict[str, Any]], dict[str, Any], str]:
    """``({run: {summary.json, summary.md, drift files}}, summary, summary.md text)``. Saved
    after the model outputs (``model_output``: their file names), ``summary.json`` marks a
    complete run; ``summary.md`` is the one-screen summary the run ends with."""
    summary: dict[str, Any] = {**counts, **status, "champion": champion_info}
    summary["outputs"] = {
        "model_output": model_output,
        "reporting": sorted([*drift_files, "summary.json", "summary.md"]),
    }
    drift = drift_files.get("drift_summary.json")
    if drift is not None:
        summary["drift_detected"] = drift["drift_detected"]
        summary["drift"] = drift["reason"]
    elif status["status"] == "scored":
        summary["drift_detected"] = None
        summary["drift"] = "not measured (score.drift_report is false)"
    markdown = score_markdown(summary, drift)
    files = {**drift_files, "summary.json": summary, "summary.md": markdown}
    return {run: files}, summary, markdown


def fail_on_rejects(summary: dict[str, Any]) -> None:
    """Raise the one-line reject error of a failed run, once its folders are written."""
    if summary["status"] == "failed":
        raise UserInputError(f"{summary['error']} (run {summary['run']})")
    logger.info("score: run %s written", summary["run"])
