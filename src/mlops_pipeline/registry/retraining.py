"""Drift-gated champion/challenger retraining: one cycle of the ``retrain`` pipeline.

A cycle (:func:`run_cycle`):

1. **intake** — every file in ``incoming/`` is read and validated with the ``score``
   validation (:func:`mlops_pipeline.scoring.validate_reviews`, labels required). A batch with
   any rejected row, or one that cannot be read, moves whole to ``quarantine/`` next to a
   ``<file>.reason.json`` (never half-used); an accepted one moves to ``accepted/`` (which
   ``dvc add`` versions: the data behind every challenger).
2. **drift** — the batches accepted since the last decision against the champion's reference
   (:mod:`.drift_gate`).
3. **trigger** — retrain when drift is detected, when the schedule says so, or when forced;
   otherwise the decision is ``skipped`` (``no drift`` / ``no new batch``).
4. **challenger** — the configured family trains on the reference data plus every accepted
   batch, and both models are scored on the frozen holdout (neither trained on it).
5. **decision** — ``promoted`` if the challenger beats the champion by at least ``min_delta``
   on ``metric`` and is not worse than ``tolerance`` on each of ``other_metrics``; else
   ``kept``.
6. **commit** (:func:`commit_decision`) — register the challenger (alias ``challenger``),
   move ``champion`` when promoted, append the decision to ``decisions.jsonl``, log it to MLflow.
   A failure anywhere undoes the earlier steps of the commit, so aliases, versions and the
   decision log are as they were (tested with injected failures).

The caller holds the ``retrain`` run lock (:mod:`mlops_pipeline.run_lock`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.evaluation.metrics import classification_metrics
from mlops_pipeline.models.base import hash_arrays, read_card, shared_preprocessor
from mlops_pipeline.scoring import read_reviews, validate_reviews

from .core import CHALLENGER, CHAMPION, Registry, register_first_champion, register_folder
from .drift_gate import detect_drift

logger = logging.getLogger(__name__)

BATCH_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson", ".json")
OUTCOMES = ("promoted", "kept", "skipped", "quarantined")


@dataclass
class Batch:
    """An accepted labelled batch: ``id, text, label`` rows."""

    name: str
    frame: pd.DataFrame


@dataclass
class Intake:
    """What one intake did: batches accepted now, and quarantined ones with reasons."""

    accepted: list[str] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)


# -- decision log --------------------------------------------------------------------------
def read_decisions(path: str | Path) -> list[dict[str, Any]]:
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
    return {name for d in decisions for name in d.get("batches", [])}


# -- intake --------------------------------------------------------------------------------
def _move(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    os.replace(source, target)  # same file system: an atomic rename
    return target


def intake(incoming: Path, accepted: Path, quarantine: Path, *, max_chars: int) -> Intake:
    """Validate each incoming file; move it whole to ``accepted/`` or ``quarantine/``."""
    from mlops_pipeline.errors import UserInputError

    result = Intake()
    if not incoming.exists():
        return result
    for path in sorted(p for p in incoming.iterdir() if p.is_file() and not p.name.startswith(".")):
        reason: dict[str, Any] | None = None
        if path.suffix.lower() not in BATCH_SUFFIXES:
            reason = {"reason": f"unknown file type {path.suffix!r}", "rejected_rows": None}
        elif (accepted / path.name).exists():
            reason = {
                "reason": "a batch with this name was already accepted",
                "rejected_rows": None,
            }
        else:
            try:
                frame = read_reviews(path)
                if "label" not in frame.columns:
                    raise UserInputError(f"{path.name}: no `label` column (0/1) to train on")
                ok, rejects = validate_reviews(
                    frame, max_chars=max_chars, require_label=True, source=path.name
                )
                if len(rejects):
                    counts = rejects["reason"].value_counts().sort_index().to_dict()
                    reason = {
                        "reason": "rows failed validation: "
                        + ", ".join(f"{k} x{v}" for k, v in counts.items()),
                        "rejected_rows": int(len(rejects)),
                        "rows": int(len(frame)),
                        "first_rejects": rejects[["row", "reason"]].head(5).to_dict("records"),
                    }
                elif not len(ok):
                    reason = {"reason": "empty batch", "rejected_rows": 0}
            except (UserInputError, ValueError, OSError) as exc:
                reason = {"reason": f"unreadable: {exc}", "rejected_rows": None}
        if reason is None:
            _move(path, accepted)
            result.accepted.append(path.name)
            logger.info("batch %s accepted", path.name)
        else:
            moved = _move(path, quarantine)
            with atomic_file(moved.with_name(moved.name + ".reason.json")) as tmp:
                tmp.write_text(json.dumps({"batch": path.name, **reason}, indent=2, default=str))
            result.quarantined.append({"batch": path.name, "reason": reason["reason"]})
            logger.warning("batch %s quarantined: %s", path.name, reason["reason"])
    return result


def dvc_add(folder: Path) -> str:
    """``dvc add`` the accepted-batches folder; its DVC md5 (the data behind the challenger)."""
    dvc = shutil.which("dvc")
    command = [dvc] if dvc else [sys.executable, "-m", "dvc"]
    result = subprocess.run([*command, "add", "-q", str(folder)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dvc add {folder} failed: {result.stderr.strip() or result.stdout}")
    import yaml

    meta = yaml.safe_load(folder.with_name(folder.name + ".dvc").read_text())
    return str(meta["outs"][0]["md5"])


def load_batches(accepted: Path, names: Sequence[str], max_chars: int) -> list[Batch]:
    batches = []
    for name in sorted(names):
        frame = read_reviews(accepted / name)
        ok, _ = validate_reviews(frame, max_chars=max_chars, require_label=True, source=name)
        ok["label"] = ok["label"].astype(int)
        batches.append(Batch(name, ok))
    return batches


def accepted_names(accepted: Path) -> list[str]:
    if not accepted.exists():
        return []
    return sorted(
        p.name for p in accepted.iterdir() if p.is_file() and p.suffix.lower() in BATCH_SUFFIXES
    )


# -- training and scoring ------------------------------------------------------------------
def train_challenger(
    texts_tokens: Sequence[Sequence[str]],
    labels: np.ndarray,
    spec: dict[str, Any],
    preprocess_config: dict[str, Any],
    seed: int,
    data_hash: str,
) -> Any:
    """The challenger: ``spec`` = ``{family, features, vectorizer, params}`` (classical)."""
    from mlops_pipeline.features import build_vectorizer
    from mlops_pipeline.models.classical import ClassicalTextModel

    rep = build_vectorizer(spec["features"], spec.get("vectorizer", {})).fit(list(texts_tokens))
    model = ClassicalTextModel(
        preprocess_config,
        rep,
        spec["family"],
        spec.get("params", {}),
        model_id=f"{spec['family']}__{spec['features']}",
        features=spec["features"],
        seed=seed,
    )
    model.fit_matrix(rep.transform(list(texts_tokens)), labels, data_hash=data_hash)
    return model


def holdout_scores(model: Any, holdout: pd.DataFrame) -> dict[str, float]:
    """Accuracy, ROC-AUC, F1 … of ``model`` on the holdout (``text`` + cached tokens)."""
    proba = model.predict_proba_prepared(holdout)[:, 1]
    scores = classification_metrics(holdout["label"].to_numpy(), proba)
    return {k: v for k, v in scores.items() if isinstance(v, (int, float))}


def decide(
    champion: dict[str, float], challenger: dict[str, float], rule: dict[str, Any]
) -> tuple[str, str]:
    """``("promoted" | "kept", why)`` by the promotion rule (``metric``, ``min_delta``,
    ``other_metrics``, ``tolerance``)."""
    metric, delta = rule["metric"], float(rule["min_delta"])
    gain = challenger[metric] - champion[metric]
    if gain < delta - 1e-12:
        return (
            "kept",
            f"{metric} {challenger[metric]:.4f} vs {champion[metric]:.4f}: {gain:+.4f} < min_delta {delta}",
        )
    for other in rule.get("other_metrics", []):
        loss = champion[other] - challenger[other]
        if loss > float(rule["tolerance"]) + 1e-12:
            return "kept", f"{other} worse by {loss:.4f} > tolerance {rule['tolerance']}"
    return "promoted", f"{metric} {gain:+.4f} >= min_delta {delta}"


# -- commit --------------------------------------------------------------------------------
def commit_decision(
    registry: Registry,
    log_path: Path,
    decision: dict[str, Any],
    challenger: Any = None,
    *,
    fail_at: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Register/alias/log ``decision`` as one unit: on any error the earlier steps are undone.

    ``fail_at(step)`` is a test seam called between steps (``registered``, ``challenger``,
    ``promoted``, ``logged``).
    """
    step = fail_at or (lambda _step: None)
    before = registry.aliases()
    log_before = log_path.read_bytes() if log_path.exists() else None
    decision.setdefault("decided_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    new_version = None
    try:
        if challenger is not None:
            with tempfile.TemporaryDirectory() as tmp:
                folder = challenger.save(Path(tmp) / challenger.model_id)
                new_version = register_folder(
                    registry,
                    folder,
                    run_name=f"retrain challenger ({decision['outcome']})",
                    params={
                        "trigger": decision["trigger"],
                        "batches": ",".join(decision["batches"]),
                    },
                    metrics={f"holdout_{k}": v for k, v in decision["challenger"].items()},
                    tags={
                        "retrain.outcome": decision["outcome"],
                        "retrain.reason": decision["reason"],
                    },
                )
            decision["challenger_version"] = new_version
            step("registered")
            registry.set_challenger(new_version)
            step("challenger")
            if decision["outcome"] == "promoted":
                registry.promote(new_version, reason=decision["reason"])
                step("promoted")
        decision["champion_version"] = registry.aliases().get(CHAMPION)
        append_decision(log_path, decision)
        step("logged")
    except BaseException:
        _undo(registry, log_path, before, new_version, log_before)
        raise
    _log_decision_run(registry, decision)
    return decision


def _undo(
    registry: Registry,
    log_path: Path,
    before: dict[str, int],
    version: int | None,
    log_before: bytes | None,
) -> None:
    logger.error("retrain commit failed: restoring aliases %s and the decision log", before)
    registry.restore_champion(before.get(CHAMPION))
    registry.restore_challenger(before.get(CHALLENGER))
    if version is not None:  # never referenced by an alias or a logged decision
        registry.client.delete_model_version(registry.name, str(version))
    now = log_path.read_bytes() if log_path.exists() else None
    if now != log_before:
        if log_before is None:
            log_path.unlink()
        else:
            with atomic_file(log_path) as tmp:
                tmp.write_bytes(log_before)


def _log_decision_run(registry: Registry, decision: dict[str, Any]) -> None:
    """Every decision is an MLflow run too (tags + numbers); failures only warn."""
    try:
        mlflow = registry._mlflow
        mlflow.set_tracking_uri(registry.config.tracking_uri)
        with mlflow.start_run(
            experiment_id=registry.experiment_id(),
            run_name=f"retrain decision: {decision['outcome']}",
        ):
            mlflow.set_tags(
                {
                    "retrain.outcome": decision["outcome"],
                    "retrain.reason": decision["reason"][:500],
                    "retrain.trigger": decision["trigger"],
                }
            )
            metrics = {f"champion_{k}": v for k, v in (decision.get("champion") or {}).items()}
            metrics.update(
                {f"challenger_{k}": v for k, v in (decision.get("challenger") or {}).items()}
            )
            metrics["drifted_share"] = (decision.get("drift") or {}).get("drifted_share", 0.0)
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None})
            mlflow.log_dict(decision, "decision.json")
    except Exception as exc:  # noqa: BLE001 - the decision log is the record; MLflow mirrors it
        logger.warning("decision not mirrored to MLflow: %s", exc)


# -- the cycle -----------------------------------------------------------------------------
@dataclass
class CycleInputs:
    """Data a cycle reads: reference (train rows with tokens), frozen holdout, candidates."""

    reference: pd.DataFrame  # review_id, text, label, tokens
    holdout: pd.DataFrame  # review_id, text, text_light, tokens, label
    first_champion: Callable[[], Path] | None = None  # folder of the best-val model


def ensure_champion(registry: Registry, inputs: CycleInputs) -> int:
    current = registry.alias(CHAMPION)
    if current is not None:
        return current.version
    if inputs.first_champion is None:
        raise RuntimeError("no champion in the registry and no candidate models to choose one")
    folder = inputs.first_champion()
    version = register_first_champion(registry, folder)
    logger.info("first champion: %s as version %s", folder.name, version)
    return version


def run_cycle(
    registry: Registry,
    inputs: CycleInputs,
    params: dict[str, Any],
    preprocess_config: dict[str, Any],
    seed: int,
    *,
    fail_at: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """One retraining cycle (module docstring); returns the decision that was logged."""
    paths = {k: Path(v) for k, v in params["batches"].items()}
    log_path = Path(params["decision_log"])
    max_chars = int(params["max_chars"])
    step = fail_at or (lambda _step: None)
    champion_version = ensure_champion(registry, inputs)

    done = intake(paths["incoming"], paths["accepted"], paths["quarantine"], max_chars=max_chars)
    step("intake")
    accepted_md5 = None
    if params.get("dvc_add_accepted") and accepted_names(paths["accepted"]):
        accepted_md5 = dvc_add(paths["accepted"])
    pending = [
        n
        for n in accepted_names(paths["accepted"])
        if n not in used_batches(read_decisions(log_path))
    ]
    new = load_batches(paths["accepted"], pending, max_chars)
    current = [t for b in new for t in b.frame["text"]]
    reference = inputs.reference.sample(
        n=min(int(params["drift"]["reference_rows"]), len(inputs.reference)), random_state=seed
    )
    drift = detect_drift(reference["text"].tolist(), current, params["drift"])
    trigger_cfg = params["trigger"]
    reasons = []
    if trigger_cfg["force"]:
        reasons.append("forced")
    if trigger_cfg["scheduled"]:
        reasons.append("schedule")
    if trigger_cfg["on_drift"] and drift["drift_detected"]:
        reasons.append("drift")
    decision: dict[str, Any] = {
        "batches": pending,
        "quarantined": done.quarantined,
        "drift": drift,
        "trigger": "+".join(reasons) or "none",
        "champion_before": champion_version,
        "accepted_dvc_md5": accepted_md5,
    }
    if not reasons:
        if not pending and done.quarantined:
            outcome, why = (
                "quarantined",
                f"{len(done.quarantined)} batch(es) quarantined, none accepted",
            )
        elif not pending:
            outcome, why = "skipped", "no new batch"
        else:
            outcome, why = "skipped", "no drift"
        decision.update(outcome=outcome, reason=why, champion=None, challenger=None)
        return commit_decision(registry, log_path, decision, fail_at=fail_at)

    every = load_batches(paths["accepted"], accepted_names(paths["accepted"]), max_chars)
    preprocessor = shared_preprocessor(preprocess_config)
    batch_texts = [t for b in every for t in b.frame["text"]]
    batch_labels = [int(v) for b in every for v in b.frame["label"]]
    tokens = list(inputs.reference["tokens"]) + preprocessor.tokens(batch_texts)
    labels = np.concatenate(
        [inputs.reference["label"].to_numpy(int), np.asarray(batch_labels, int)]
    )
    data_hash = hash_arrays(list(inputs.reference["review_id"]), batch_texts, labels)
    challenger = train_challenger(
        tokens, labels, params["challenger"], preprocess_config, seed, data_hash
    )
    step("trained")
    champion_model = registry.load(CHAMPION)
    scores_champion = holdout_scores(champion_model, inputs.holdout)
    scores_challenger = holdout_scores(challenger, inputs.holdout)
    challenger.card.extra.update(
        retrain={"batches": [b.name for b in every], "holdout": scores_challenger}
    )
    rule = params["promotion"]
    outcome, why = decide(scores_champion, scores_challenger, rule)
    keep = [rule["metric"], *rule.get("other_metrics", [])]
    decision.update(
        outcome=outcome,
        reason=why,
        champion={k: scores_champion[k] for k in keep},
        challenger={k: scores_challenger[k] for k in keep},
        train_rows=int(len(labels)),
        champion_model_id=read_card(registry.folder(champion_version)).model_id,
    )
    step("decided")
    return commit_decision(registry, log_path, decision, challenger, fail_at=fail_at)
