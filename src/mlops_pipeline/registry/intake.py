"""Batch intake of retraining, written once for the ``retrain`` pipeline and the Airflow gate.

Every file in ``incoming/`` is read and validated with the ``score`` rules
(:func:`mlops_pipeline.scoring.validate_reviews`, labels required). A batch with any rejected
row, or one that cannot be read, moves whole to ``quarantine/`` next to a
``<file>.reason.json`` (never half-used); an accepted one moves to ``accepted/`` (which
``dvc add`` versions: the data behind every challenger). ``dry_run=True`` (the Airflow gate)
reaches the same verdicts and moves nothing.

Also here: the decision log (``decisions.jsonl``) that says which accepted batches a decision
already used, and the reference/holdout rows a cycle and the gate compare batches with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.scoring import read_reviews, validate_reviews

logger = logging.getLogger(__name__)

BATCH_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson", ".json")


@dataclass
class Batch:
    """An accepted labelled batch: ``id, text, label`` rows."""

    name: str
    frame: pd.DataFrame


@dataclass
class Intake:
    """What one intake did (or would do): batches accepted, quarantined ones with reasons."""

    accepted: list[str] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


# -- decision log --------------------------------------------------------------------------
def read_decisions(path: str | Path) -> list[dict[str, Any]]:
    """Every logged decision, oldest first (``[]`` when the log does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def append_decision(path: str | Path, decision: dict[str, Any]) -> None:
    """Append one JSON line, atomically (the whole file is rewritten through a temp file)."""
    path = Path(path)
    before = path.read_bytes() if path.exists() else b""
    with atomic_file(path) as tmp:
        tmp.write_bytes(before + (json.dumps(decision, sort_keys=True) + "\n").encode())


def used_batches(decisions: Sequence[dict[str, Any]]) -> set[str]:
    """Names of the accepted batches some decision already used."""
    return {name for d in decisions for name in d.get("batches", [])}


# -- intake --------------------------------------------------------------------------------
def incoming_files(incoming: Path) -> list[Path]:
    """The files waiting in ``incoming`` (hidden files skipped), sorted by name."""
    if not incoming.exists():
        return []
    return sorted(p for p in incoming.iterdir() if p.is_file() and not p.name.startswith("."))


def inspect_batch(
    path: Path, accepted: Path, *, max_chars: int
) -> tuple[pd.DataFrame | None, dict[str, Any] | None]:
    """``(accepted rows, None)`` for a valid batch, else ``(None, reason)``; moves nothing."""
    if path.suffix.lower() not in BATCH_SUFFIXES:
        return None, {"reason": f"unknown file type {path.suffix!r}", "rejected_rows": None}
    if (accepted / path.name).exists():
        return None, {
            "reason": "a batch with this name was already accepted",
            "rejected_rows": None,
        }
    try:
        frame = read_reviews(path)
        if "label" not in frame.columns:
            raise UserInputError(f"{path.name}: no `label` column (0/1) to train on")
        ok, rejects = validate_reviews(
            frame, max_chars=max_chars, require_label=True, source=path.name
        )
    except (UserInputError, ValueError, OSError) as exc:
        return None, {"reason": f"unreadable: {exc}", "rejected_rows": None}
    if len(rejects):
        counts = rejects["reason"].value_counts().sort_index().to_dict()
        return None, {
            "reason": "rows failed validation: "
            + ", ".join(f"{k} x{v}" for k, v in counts.items()),
            "rejected_rows": int(len(rejects)),
            "rows": int(len(frame)),
            "first_rejects": rejects[["row", "reason"]].head(5).to_dict("records"),
        }
    if not len(ok):
        return None, {"reason": "empty batch", "rejected_rows": 0}
    return ok, None


def _move(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    os.replace(source, target)  # same file system: an atomic rename
    return target


def intake(
    incoming: Path, accepted: Path, quarantine: Path, *, max_chars: int, dry_run: bool = False
) -> Intake:
    """Validate each incoming file; move it whole to ``accepted/`` or ``quarantine/``
    (``dry_run``: only report what would happen; ``Intake.frames`` holds the valid rows)."""
    result = Intake()
    for path in incoming_files(incoming):
        ok, reason = inspect_batch(path, accepted, max_chars=max_chars)
        if reason is None:
            result.accepted.append(path.name)
            result.frames[path.name] = ok
            if not dry_run:
                _move(path, accepted)
                logger.info("batch %s accepted (%d rows)", path.name, len(ok))
            continue
        result.quarantined.append({"batch": path.name, "reason": reason["reason"]})
        if not dry_run:
            moved = _move(path, quarantine)
            with atomic_file(moved.with_name(moved.name + ".reason.json")) as tmp:
                tmp.write_text(json.dumps({"batch": path.name, **reason}, indent=2, default=str))
            logger.warning("batch %s quarantined: %s", path.name, reason["reason"])
    return result


def dvc_add(folder: Path) -> str:
    """``dvc add`` the accepted-batches folder; its DVC md5 (the data behind the challenger)."""
    dvc = shutil.which("dvc")
    command = [dvc] if dvc else [sys.executable, "-m", "dvc"]
    result = subprocess.run([*command, "add", "-q", str(folder)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dvc add {folder} failed: {result.stderr.strip() or result.stdout}")
    meta = yaml.safe_load(folder.with_name(folder.name + ".dvc").read_text())
    return str(meta["outs"][0]["md5"])


def load_batches(accepted: Path, names: Sequence[str], max_chars: int) -> list[Batch]:
    """The valid rows of each named accepted batch (labels as ``int``), sorted by name."""
    batches = []
    for name in sorted(names):
        frame = read_reviews(accepted / name)
        ok, _ = validate_reviews(frame, max_chars=max_chars, require_label=True, source=name)
        ok["label"] = ok["label"].astype(int)
        batches.append(Batch(name, ok))
    return batches


def accepted_names(accepted: Path) -> list[str]:
    """Names of the batch files in ``accepted/``, sorted."""
    if not accepted.exists():
        return []
    return sorted(
        p.name for p in accepted.iterdir() if p.is_file() and p.suffix.lower() in BATCH_SUFFIXES
    )


# -- reference and holdout -----------------------------------------------------------------
def frozen_holdout(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` rows with the smallest SHA-1 of ``review_id``: the same rows on every run."""
    keys = rows["review_id"].map(lambda r: hashlib.sha1(str(r).encode()).hexdigest())
    return rows.assign(_key=keys).sort_values("_key").head(n).drop(columns="_key")


def reference_and_holdout(
    reviews: pd.DataFrame, preprocessed: pd.DataFrame, holdout_rows: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference (fit + val with tokens: what the champion trained on) and the frozen holdout
    (a fixed subset of test: no model trains on it)."""
    tokens = preprocessed[["review_id", "text_light", "tokens"]]
    table = reviews[["review_id", "fold", "label", "text"]].merge(tokens, on="review_id")
    reference = table[table["fold"].isin(["fit", "val"])].reset_index(drop=True)
    holdout = frozen_holdout(table[table["fold"] == "test"], holdout_rows)
    logger.info("retrain: %d reference rows, %d holdout rows", len(reference), len(holdout))
    return reference, holdout.reset_index(drop=True)


def drift_reference(reference: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """The seeded sample of ``rows`` reference reviews the drift gate compares batches with."""
    return reference.sample(n=min(int(rows), len(reference)), random_state=seed)
