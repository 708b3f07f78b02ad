"""The drift gate as a read-only command (the daily Airflow DAG's first task).

``python -m mlops_pipeline.registry [--env ENV] gate [--reference FILE] [--incoming DIR]`` reads the batches in
``retrain.batches.incoming`` without moving them, validates them (as ``retrain`` does) and
runs the drift gate against the reference (the ``fit``/``val`` reviews of
``<data_root>/02_intermediate/ingest/reviews.parquet``, or ``--reference``: any reviews file
with a ``text`` column). Prints a JSON summary. Exit codes: ``0`` there is work for
``retrain`` (drift detected, or a batch to quarantine); ``99`` nothing to do (no new batch, or
no drift: the batches wait for the weekly run) — Airflow's BashOperator skips downstream tasks
on exit code 99.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from mlops_pipeline.scoring import read_reviews, validate_reviews

from .drift_gate import detect_drift
from .retraining import BATCH_SUFFIXES

SKIP = 99


def load_settings(root: Path, env: str) -> tuple[dict[str, Any], int, str]:
    """``(params:retrain, common.seed, data_root)`` of environment ``env``."""
    from kedro.config import OmegaConfigLoader

    loader = OmegaConfigLoader(conf_source=str(root / "conf"), base_env="base", default_run_env=env)
    params = loader["parameters"]
    data_root = loader["globals"].get("data_root", "data")
    return params["retrain"], int(params["common"]["seed"]), str(data_root)


def gate(
    root: Path, env: str, reference_file: Path | None = None, incoming: Path | None = None
) -> tuple[int, dict[str, Any]]:
    params, seed, data_root = load_settings(root, env)
    incoming = incoming or root / params["batches"]["incoming"]
    files = (
        sorted(p for p in incoming.glob("*") if p.is_file() and not p.name.startswith("."))
        if incoming.exists()
        else []
    )
    if not files:
        return SKIP, {"work": False, "reason": "no new batch", "incoming": str(incoming)}
    texts, invalid = [], []
    for path in files:
        try:
            if path.suffix.lower() not in BATCH_SUFFIXES:
                raise ValueError(f"unknown file type {path.suffix!r}")
            frame = read_reviews(path)
            ok, rejects = validate_reviews(
                frame, max_chars=int(params["max_chars"]), require_label=True, source=path.name
            )
            if len(rejects) or "label" not in frame.columns:
                invalid.append(path.name)
            else:
                texts.extend(ok["text"])
        except Exception:  # noqa: BLE001 - whatever fails here is quarantined by retrain
            invalid.append(path.name)
    if reference_file is not None:
        reference = read_reviews(reference_file)
    else:
        reviews = pd.read_parquet(root / data_root / "02_intermediate/ingest/reviews.parquet")
        reference = reviews[reviews["fold"].isin(["fit", "val"])]
    reference = reference.sample(
        n=min(int(params["drift"]["reference_rows"]), len(reference)), random_state=seed
    )
    drift = detect_drift(reference["text"].astype(str).tolist(), texts, params["drift"])
    work = bool(drift["drift_detected"] or invalid)
    summary = {
        "work": work,
        "reason": "drift"
        if drift["drift_detected"]
        else ("invalid batch" if invalid else "no drift"),
        "batches": [p.name for p in files],
        "invalid": invalid,
        "drift": drift,
    }
    return (0 if work else SKIP), summary


def run_gate(
    root: Path, env: str, reference_file: Path | None, incoming: Path | None = None
) -> int:
    code, summary = gate(root, env, reference_file, incoming)
    print(json.dumps(summary, sort_keys=True))
    return code
