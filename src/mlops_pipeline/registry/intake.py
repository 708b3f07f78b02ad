"""Batch intake of retraining, written once for the ``retrain`` pipeline and the Airflow gate.

Every file in ``incoming/`` is read and validated with the ``score`` rules
(:func:`mlops_pipeline.scoring.validate_reviews`, labels required). A batch with any rejected
row, one that cannot be read, or one whose content (SHA-256 of its bytes) was already accepted
under any name moves whole to ``quarantine/`` next to a ``<file>.reason.json`` (never
half-used); an accepted one moves to ``accepted/`` (which ``dvc add`` versions: the data behind
every challenger). Names never collide: a name that ``accepted/`` or any logged decision already
used (even for a file removed by hand since) is accepted as ``<stem>-<sha8><suffix>``, and a
quarantined file never replaces an earlier one or its reason. ``dry_run=True`` (the Airflow
gate) reaches the same verdicts and moves nothing.

Also here: the decision log (``decisions.jsonl``) that says which accepted batches a decision
already used (and their hashes), and the reference/holdout rows a cycle and the gate compare
batches with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.errors import UserInputError
from mlops_pipeline.json_lines import json_objects
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
    """What one intake did (or would do): batches accepted (their names in ``accepted/``),
    quarantined ones with reasons (``batch``, ``reason``, ``sha256``, ``moved_to``), and
    ``records``: one per accepted batch (``batch``, ``source`` name, ``sha256``, ``rows``,
    ``renamed``: why its name differs from the source's, else ``None``)."""

    accepted: list[str] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)


# -- decision log --------------------------------------------------------------------------
def read_decisions(path: str | Path) -> list[dict[str, Any]]:
    """Every logged decision, oldest first (``[]`` when the log does not exist yet).

    A line that is not a JSON object (a truncated write) is a one-line
    :class:`UserInputError` naming the file, the line and the fix: callers read the log
    before anything moves."""
    path = Path(path)
    if not path.exists():
        return []
    return json_objects(
        path.read_text(errors="replace"),
        path,
        lambda n: (
            f"a truncated write? remove or repair line {n} of {path}, then rerun "
            "(nothing was moved)"
        ),
    )


def append_decision(path: str | Path, decision: dict[str, Any]) -> None:
    """Append one JSON line, atomically (the whole file is rewritten through a temp file)."""
    path = Path(path)
    before = path.read_bytes() if path.exists() else b""
    with atomic_file(path) as tmp:
        tmp.write_bytes(before + (json.dumps(decision, sort_keys=True) + "\n").encode())


def used_batches(decisions: Sequence[dict[str, Any]]) -> set[str]:
    """Names of the accepted batches some decision already used."""
    return {name for d in decisions for name in d.get("batches", [])}


def logged_batches(decisions: Sequence[dict[str, Any]]) -> dict[str, str | None]:
    """Every batch name a decision mentions (used, waiting or taken in), with its SHA-256
    when the decision recorded one (``None`` for decisions logged before hashes were)."""
    names: dict[str, str | None] = {}
    for d in decisions:
        for name in [*d.get("batches", []), *d.get("waiting", [])]:
            names.setdefault(name, None)
        for record in (d.get("intake") or {}).get("accepted", []):
            names[record["batch"]] = record.get("sha256")
        for name, digest in (d.get("sha256") or {}).items():
            names[name] = digest
    return names


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- intake --------------------------------------------------------------------------------
def incoming_files(incoming: Path) -> list[Path]:
    """The files waiting in ``incoming`` (hidden files skipped), sorted by name."""
    if not incoming.exists():
        return []
    return sorted(p for p in incoming.iterdir() if p.is_file() and not p.name.startswith("."))


def inspect_batch(
    path: Path, *, max_chars: int, sha256: str, seen: dict[str, str]
) -> tuple[pd.DataFrame | None, dict[str, Any] | None]:
    """``(accepted rows, None)`` for a valid new batch, else ``(None, reason)``; moves nothing.
    ``seen`` maps the SHA-256 of every batch accepted so far to its name."""
    if path.suffix.lower() not in BATCH_SUFFIXES:
        return None, {"reason": f"unknown file type {path.suffix!r}", "rejected_rows": None}
    if sha256 in seen:
        return None, {"reason": f"duplicate of {seen[sha256]}", "rejected_rows": None}
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


def free_name(name: str, sha256: str, taken: Callable[[str], bool]) -> str:
    """``name`` when not ``taken``, else ``<stem>-<sha8><suffix>``, else ``…-<sha8>-2<suffix>``,
    ``-3`` … (the first one free)."""
    if not taken(name):
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = f"{stem}-{sha256[:8]}{suffix}", 2
    while taken(candidate):
        candidate, n = f"{stem}-{sha256[:8]}-{n}{suffix}", n + 1
    return candidate


def _move(source: Path, target: Path) -> Path:
    """Move ``source`` to ``target`` without ever replacing a file there (a hard link, then
    the unlink; both atomic on one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)  # FileExistsError rather than a silent replace
    except FileExistsError:
        raise
    except OSError:  # no hard links here (another file system): checked move
        if target.exists():
            raise FileExistsError(f"{target} exists") from None
        shutil.move(source, target)
        return target
    source.unlink()
    return target


def _history(
    accepted: Path, decisions: Sequence[dict[str, Any]]
) -> tuple[set[str], dict[str, str]]:
    """``(names used, {sha256: name})`` of every batch ``accepted/`` holds or a decision logged."""
    logged = logged_batches(decisions)
    seen = {digest: name for name, digest in logged.items() if digest}
    names = set(logged)
    for name in accepted_names(accepted):
        names.add(name)
        seen.setdefault(file_sha256(accepted / name), name)
    return names, seen


def intake(
    incoming: Path,
    accepted: Path,
    quarantine: Path,
    *,
    max_chars: int,
    dry_run: bool = False,
    decisions: Sequence[dict[str, Any]] = (),
) -> Intake:
    """Validate each incoming file; move it whole to ``accepted/`` or ``quarantine/``
    (``dry_run``: only report what would happen; ``Intake.frames`` holds the valid rows).

    ``decisions`` (the decision log) adds the names and hashes of batches accepted before,
    also those whose files were removed by hand since."""
    result = Intake()
    names, seen = _history(accepted, decisions)
    for path in incoming_files(incoming):
        sha256 = file_sha256(path)
        ok, reason = inspect_batch(path, max_chars=max_chars, sha256=sha256, seen=seen)
        if reason is None:
            name = free_name(path.name, sha256, lambda n: n in names or (accepted / n).exists())
            renamed = None if name == path.name else f"name {path.name} was used before"
            names.add(name)
            seen[sha256] = name
            result.accepted.append(name)
            result.frames[name] = ok
            result.records.append(
                {
                    "batch": name,
                    "source": path.name,
                    "sha256": sha256,
                    "rows": int(len(ok)),
                    "renamed": renamed,
                }
            )
            if not dry_run:
                _move(path, accepted / name)
                logger.info("batch %s accepted as %s (%d rows)", path.name, name, len(ok))
            continue
        entry = {"batch": path.name, "reason": reason["reason"], "sha256": sha256}
        if not dry_run:
            target = free_name(
                path.name,
                sha256,
                lambda n: (quarantine / n).exists() or (quarantine / f"{n}.reason.json").exists(),
            )
            moved = _move(path, quarantine / target)
            entry["moved_to"] = moved.name
            with atomic_file(moved.with_name(moved.name + ".reason.json")) as tmp:
                tmp.write_text(json.dumps({**entry, **reason}, indent=2, default=str))
            logger.warning("batch %s quarantined as %s: %s", path.name, moved.name, entry["reason"])
        result.quarantined.append(entry)
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
