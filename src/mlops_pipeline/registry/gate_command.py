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

``--served DIR`` judges the service's request log instead (:mod:`mlops_pipeline.serve`: every
``*.jsonl`` batch file under ``DIR``, e.g. ``data/09_serving/requests`` or one day of it): the
rows are unlabelled, so no intake runs and nothing is quarantined; each file is one batch,
checked with ``score``'s rules (:func:`mlops_pipeline.scoring.validate_reviews`), and the same
:func:`.retraining.batch_drift` judges their texts. A log written without text cannot be
measured (exit 99, said in the summary).

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

from mlops_pipeline.scoring import read_reviews, validate_reviews

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


def served_batches(folder: Path, max_chars: int) -> list[Batch]:
    """The service's request log under ``folder`` (any depth, sorted): one batch per file,
    its valid rows with text (a log written without text gives none)."""
    batches = []
    for path in sorted(folder.rglob("*.jsonl")) if folder.exists() else []:
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # a write in progress (atomic_file's temporary name)
        rows, _ = validate_reviews(read_reviews(path), max_chars=max_chars, source=path.name)
        if len(rows):
            batches.append(Batch(path.relative_to(folder).as_posix(), rows))
    return batches


def _drift(
    root: Path, params: dict[str, Any], reference: pd.DataFrame, batches: list[Batch],
    embedder: Any,
) -> dict[str, Any]:  # fmt: skip
    retrain = params["retrain"]
    report_dir = retrain["drift"].get("report_dir")
    gate_params = {
        **retrain,
        "drift": {**retrain["drift"], "report_dir": report_dir and str(root / report_dir)},
    }
    return batch_drift(
        reference,
        batches,
        gate_params,
        params["drift"],
        params["preprocess"]["text"],
        int(params["common"]["seed"]),
        embedder=embedder,
    )


def served_gate(
    root: Path, env: str, served: Path, reference_file: Path | None = None
) -> tuple[int, dict[str, Any]]:
    """``(exit code, summary)`` of the drift gate over the service's request log ``served``."""
    params, reference, embedder = load_run_inputs(root, env, reference_file)
    served = served if served.is_absolute() else root / served
    batches = served_batches(served, int(params["retrain"]["max_chars"]))
    if not batches:
        return SKIP, {"work": False, "reason": "no served reviews with text", "served": str(served)}
    drift = _drift(root, params, reference, batches, embedder)
    reason = "drift" if drift["drift_detected"] else (
        "no drift" if drift["measurable"] else drift["reason"])  # fmt: skip
    summary = {
        "work": bool(drift["drift_detected"]),
        "reason": reason,
        "served": str(served),
        "batches": [b.name for b in batches],
        "rows": sum(len(b.frame) for b in batches),
        "drift": drift,
    }
    return (0 if summary["work"] else SKIP), summary


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
    drift = _drift(root, params, reference, batches, embedder)
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
    root: Path,
    env: str,
    reference_file: Path | None,
    incoming: Path | None = None,
    served: Path | None = None,
) -> int:
    """Print the gate's JSON summary; its exit code (``0`` work, ``99`` nothing to do)."""
    if served is not None:
        code, summary = served_gate(root, env, served, reference_file)
    else:
        code, summary = gate(root, env, reference_file, incoming)
    print(json.dumps(summary, sort_keys=True, default=str))
    return code
