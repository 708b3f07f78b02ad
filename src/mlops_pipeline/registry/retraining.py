"""Drift-gated champion/challenger retraining: one cycle of the ``retrain`` pipeline.

A cycle (:func:`run_cycle`):

1. **intake** (:mod:`.intake`) — every file in ``incoming/`` is validated and moves whole to
   ``accepted/`` or ``quarantine/``.
2. **drift** — the batches accepted since the last decision against the champion's reference,
   through the project's one drift implementation (:func:`mlops_pipeline.drift.gate_drift`:
   calibrated thresholds by batch size; a batch too small to measure says so).
3. **trigger** — retrain when drift is detected, when the schedule says so, or when forced;
   otherwise the decision is ``skipped`` (``no drift`` / ``no new batch`` / too small).
4. **challenger** — the configured family trains on the reference data plus every accepted
   batch, and both models are scored on the frozen holdout (neither trained on it).
5. **decision** — ``promoted`` if the challenger beats the champion by at least ``min_delta``
   on ``metric`` and is not worse than ``tolerance`` on each of ``other_metrics``; else
   ``kept``.
6. **commit** (:func:`.commit.commit_decision`) — a write-ahead protocol: intent logged beside
   ``decisions.jsonl``, the challenger registered (alias ``challenger``), ``champion`` moved
   when promoted, the decision appended (the commit point), the intent removed, the decision
   mirrored to MLflow. A cycle first reconciles an interrupted commit
   (:func:`.commit.reconcile`: rolled back unless its outcome was logged), so a process killed
   at any step leaves aliases, versions and the decision log consistent (tested with SIGKILL
   at every step boundary).

The caller holds the ``retrain`` run lock (:mod:`mlops_pipeline.run_lock`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.drift import gate_drift, report_html
from mlops_pipeline.features import build_vectorizer
from mlops_pipeline.metrics import classification_metrics
from mlops_pipeline.models.base import hash_arrays, read_card, shared_preprocessor
from mlops_pipeline.models.classical import ClassicalTextModel

from .commit import commit_decision, reconcile
from .intake import (
    Batch,
    accepted_names,
    drift_reference,
    dvc_add,
    file_sha256,
    intake,
    load_batches,
    read_decisions,
    used_batches,
)
from .mlflow_registry import Registry
from .registration import register_first_champion
from .versions import CHAMPION

logger = logging.getLogger(__name__)


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


# -- the cycle -----------------------------------------------------------------------------
@dataclass
class CycleInputs:
    """Data a cycle reads: reference (train rows with tokens), frozen holdout, candidates."""

    reference: pd.DataFrame  # review_id, text, label, tokens
    holdout: pd.DataFrame  # review_id, text, text_light, tokens, label
    first_champion: Callable[[], Path] | None = None  # folder of the best-val model
    embedder: Any = None  # the document embedder: the gate's embeddings signal + vocabulary


def batch_drift(
    reference: pd.DataFrame,
    batches: Sequence[Batch],
    params: dict[str, Any],
    drift_params: dict[str, Any],
    preprocess_config: dict[str, Any],
    seed: int,
    *,
    embedder: Any = None,
) -> dict[str, Any]:
    """The gate's summary of the pending ``batches`` (pooled) against a seeded sample of
    ``params.drift.reference_rows`` reference reviews, with ``report``: the Evidently HTML
    written to ``params.drift.report_dir`` (one file per set of batches, so the Airflow gate
    and the cycle that follows it write the same file). ``measurable: false`` with the reason
    when there is no batch or too little text to measure."""
    texts = [t for b in batches for t in b.frame["text"]]
    if not texts:
        return {"drift_detected": None, "measurable": False, "reason": "no new batch", "rows": 0}
    result = gate_drift(
        drift_reference(reference, params["drift"]["reference_rows"], seed),
        texts,
        drift_params,
        seed=seed,
        preprocessor=shared_preprocessor(preprocess_config),
        embedder=embedder,
    )
    summary = dict(result.summary)
    if result.measurable and params["drift"].get("report_dir"):
        path = Path(params["drift"]["report_dir"]) / report_name([b.name for b in batches])
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as tmp:
            tmp.write_text(report_html(summary, result.snapshot))
        summary["report"] = str(path)
    return summary


def report_name(batch_names: Sequence[str]) -> str:
    """``drift_<12 hex>.html``: named by the set of batches it judged (order-free)."""
    digest = hashlib.sha1("\n".join(sorted(batch_names)).encode()).hexdigest()[:12]
    return f"drift_{digest}.html"


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
    drift_params: dict[str, Any],
) -> dict[str, Any]:
    """One retraining cycle (module docstring); returns the decision that was logged.

    ``params`` is ``params:retrain``, ``drift_params`` the ``drift:`` section (the thresholds
    every drift check of the project uses)."""
    paths = {k: Path(v) for k, v in params["batches"].items()}
    log_path = Path(params["decision_log"])
    read_decisions(log_path)  # first: a corrupt log fails before anything moves
    reconcile(registry, log_path)  # an interrupted commit, before the champion is read
    decisions = read_decisions(log_path)  # as reconciled
    max_chars = int(params["max_chars"])
    champion_version = ensure_champion(registry, inputs)

    done = intake(
        paths["incoming"],
        paths["accepted"],
        paths["quarantine"],
        max_chars=max_chars,
        decisions=decisions,
    )
    accepted_md5 = None
    if params.get("dvc_add_accepted") and accepted_names(paths["accepted"]):
        accepted_md5 = dvc_add(paths["accepted"])
    used = used_batches(decisions)
    pending = [n for n in accepted_names(paths["accepted"]) if n not in used]
    drift = batch_drift(
        inputs.reference,
        load_batches(paths["accepted"], pending, max_chars),
        params,
        drift_params,
        preprocess_config,
        seed,
        embedder=inputs.embedder,
    )
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
        "intake": {"accepted": done.records},  # names, sources and SHA-256 of this intake
        "sha256": {n: file_sha256(paths["accepted"] / n) for n in pending},
    }
    if not reasons:
        if not pending and done.quarantined:
            outcome, why = (
                "quarantined",
                f"{len(done.quarantined)} batch(es) quarantined, none accepted",
            )
        elif not pending:
            outcome, why = "skipped", "no new batch"
        elif drift["measurable"] is False:  # the batches wait and pool with the next ones
            outcome, why = "skipped", f"{drift['reason']}; {len(pending)} batch(es) wait"
            decision.update(batches=[], waiting=pending)
        else:
            outcome, why = "skipped", "no drift"
        decision.update(outcome=outcome, reason=why, champion=None, challenger=None)
        return commit_decision(registry, log_path, decision)

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
    return commit_decision(registry, log_path, decision, challenger)
