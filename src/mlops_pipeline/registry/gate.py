"""The drift gate as a read-only command (the daily Airflow DAG's first task).

``python -m mlops_pipeline.registry [--env ENV] gate [--reference FILE] [--incoming DIR]`` reads
the decision log first (a corrupt line is a one-line error naming it), then runs the retrain
intake as a dry run (:func:`.intake.intake` with ``dry_run=True`` and the log's history: the
same verdicts, duplicates and renames, nothing moved) and the retrain cycle's drift check (:func:`.retraining.batch_drift`,
the project's one drift implementation) on the batches a retrain run would judge: the valid
incoming ones plus accepted ones no decision has used yet. Its reference comes through the
Kedro catalog and parameters of ``ENV`` (``reviews``, ``reviews_preprocessed`` and
``embeddings_word2vec_embedder``: the same rows and signals as ``retrain``), or ``--reference``:
any reviews file with a ``text`` column (no embedder: text and descriptor signals only).

Prints a JSON summary. Exit codes: ``0`` there is work for ``retrain`` (drift detected, or a
batch to quarantine); ``99`` nothing to do (no new batch, no drift, or too little text to
measure: the batches wait for the weekly run) — Airflow's BashOperator skips downstream tasks
on exit code 99.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from mlops_pipeline.scoring import read_reviews

from .intake import (
    Batch,
    accepted_names,
    intake,
    load_batches,
    read_decisions,
    reference_and_holdout,
    used_batches,
)
from .retraining import batch_drift

SKIP = 99


def load_run_inputs(
    root: Path, env: str, reference_file: Path | None
) -> tuple[dict[str, Any], pd.DataFrame, Any]:
    """``(parameters, reference rows, embedder)`` of environment ``env``, read through the
    project's Kedro catalog (the reference file replaces the catalog's rows and embedder)."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(root)
    with KedroSession.create(project_path=root, env=env) as session:
        context = session.load_context()
        params = context.params
        if reference_file is not None:
            return params, read_reviews(reference_file), None
        catalog = context.catalog
        reference, _ = reference_and_holdout(
            catalog.load("reviews"),
            catalog.load("reviews_preprocessed"),
            params["retrain"]["holdout"]["rows"],
        )
        return params, reference, catalog.load("embeddings_word2vec_embedder")


def gate(
    root: Path, env: str, reference_file: Path | None = None, incoming: Path | None = None
) -> tuple[int, dict[str, Any]]:
    """``(exit code, summary)`` of the gate over ``incoming`` (default ``retrain.batches``)."""
    params, reference, embedder = load_run_inputs(root, env, reference_file)
    retrain = params["retrain"]
    decisions = read_decisions(root / retrain["decision_log"])  # a corrupt log: one line
    folders = {k: root / v for k, v in retrain["batches"].items()}
    incoming = incoming or folders["incoming"]
    dry = intake(
        incoming,
        folders["accepted"],
        folders["quarantine"],
        max_chars=int(retrain["max_chars"]),
        dry_run=True,
        decisions=decisions,
    )
    used = used_batches(decisions)
    waiting = [n for n in accepted_names(folders["accepted"]) if n not in used]
    batches = load_batches(folders["accepted"], waiting, int(retrain["max_chars"]))
    batches += [Batch(name, dry.frames[name]) for name in dry.accepted]
    if not batches and not dry.quarantined:
        return SKIP, {"work": False, "reason": "no new batch", "incoming": str(incoming)}
    report_dir = retrain["drift"].get("report_dir")
    gate_params = {
        **retrain,
        "drift": {**retrain["drift"], "report_dir": report_dir and str(root / report_dir)},
    }
    drift = batch_drift(
        reference,
        batches,
        gate_params,
        params["drift"],
        params["preprocess"]["text"],
        int(params["common"]["seed"]),
        embedder=embedder,
    )
    invalid = [q["batch"] for q in dry.quarantined]
    work = bool(drift["drift_detected"] or invalid)
    if drift["drift_detected"]:
        reason = "drift"
    elif invalid:
        reason = "invalid batch"
    else:
        reason = "no drift" if drift["measurable"] else drift["reason"]
    summary = {
        "work": work,
        "reason": reason,
        "batches": [b.name for b in batches],
        "invalid": invalid,
        "quarantine_reasons": dry.quarantined,
        "drift": drift,
    }
    return (0 if work else SKIP), summary


def run_gate(
    root: Path, env: str, reference_file: Path | None, incoming: Path | None = None
) -> int:
    """Print the gate's JSON summary; its exit code (``0`` work, ``99`` nothing to do)."""
    code, summary = gate(root, env, reference_file, incoming)
    print(json.dumps(summary, sort_keys=True, default=str))
    return code
