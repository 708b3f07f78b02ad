"""The retrain commit as a small write-ahead protocol (issue 22).

A decision changes two stores that cannot share a transaction: the MLflow registry (a new
version, the ``challenger`` and ``champion`` aliases) and the decision log
(``decisions.jsonl``). :func:`commit_decision` orders the writes so that a process killed at
any point (SIGKILL, power loss) leaves a state the next run can reconcile:

1. **intent** — ``decisions.intent.json`` beside the log (atomic write): the commit's id and
   the aliases before it;
2. **register** — the challenger becomes a new version, tagged ``retrain.commit=<id>`` in the
   same write that creates it;
3. **challenger** alias, then 4. **champion** alias (when promoted);
5. **outcome** — the decision line, carrying ``commit_id``, is appended to the log (atomic
   rewrite). *This is the commit point*;
6. **done** — the intent file is removed; then the decision is mirrored as an MLflow run (best
   effort: the log is the record).

:func:`reconcile` runs first on every restart (``retrain`` before it reads the champion or
the pending batches; the registry CLI's alias commands): an intent whose ``commit_id`` is in
the log was committed (the intent is removed); any other is **rolled back** — each alias that
points at a version this commit created goes back to where the intent found it, those
versions are deleted (no alias and no logged decision ever referenced them), the intent is
removed. Rolling back (not completing) is the choice because the challenger's model folder
lived in a temporary folder of the killed process; its batches stay in ``accepted/`` unused
by any decision, so the next cycle judges them again. An exception inside the commit runs the
same reconciliation at once.
"""

from __future__ import annotations

import json
import logging
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mlops_pipeline.atomic_io import atomic_file
from mlops_pipeline.errors import UserInputError

from .intake import append_decision, read_decisions
from .mlflow_registry import Registry
from .registration import register_folder
from .versions import CHALLENGER, CHAMPION

logger = logging.getLogger(__name__)

COMMIT_TAG = "retrain.commit"


def intent_path(log_path: str | Path) -> Path:
    """``decisions.intent.json`` beside ``decisions.jsonl``."""
    log_path = Path(log_path)
    return log_path.with_name(f"{log_path.stem}.intent.json")


def write_intent(path: Path, intent: dict[str, Any]) -> None:
    with atomic_file(path) as tmp:
        tmp.write_text(json.dumps(intent, sort_keys=True) + "\n")


def read_intent(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        intent = json.loads(path.read_text())
        if not isinstance(intent, dict) or not intent.get("commit_id"):
            raise ValueError("no commit_id")
    except ValueError as exc:
        raise UserInputError(
            f"{path}: unreadable retrain intent ({exc}); it is written atomically, so it was "
            "edited by hand: restore it from a backup, or check aliases and decisions.jsonl "
            "(python -m mlops_pipeline.registry list) and delete it"
        ) from None
    return intent


def clear_intent(path: Path) -> None:
    path.unlink(missing_ok=True)


def reconcile(registry: Registry, log_path: str | Path) -> str | None:
    """Finish an interrupted commit: ``"completed"`` (its outcome was logged), ``"rolled
    back"`` (it was not) or ``None`` (no intent: nothing to do)."""
    path = intent_path(log_path)
    intent = read_intent(path)
    if intent is None:
        return None
    commit_id = intent["commit_id"]
    if any(d.get("commit_id") == commit_id for d in read_decisions(log_path)):
        clear_intent(path)
        logger.warning("retrain commit %s was logged before an interruption: complete", commit_id)
        return "completed"
    created = {v.version for v in registry.versions() if v.tags.get(COMMIT_TAG) == commit_id}
    before = intent.get("aliases_before") or {}
    now = registry.aliases()
    if now.get(CHAMPION) in created:
        registry.restore_champion(before.get(CHAMPION))
    if now.get(CHALLENGER) in created:
        registry.restore_challenger(before.get(CHALLENGER))
    still = set(registry.aliases().values())
    for version in sorted(created - still):  # never referenced by an alias or a decision
        registry.client.delete_model_version(registry.name, str(version))
    clear_intent(path)
    logger.warning(
        "retrain commit %s was interrupted before its outcome was logged: rolled back "
        "(aliases %s, versions removed %s)",
        commit_id,
        registry.aliases(),
        sorted(created - still),
    )
    return "rolled back"


def _register_challenger(registry: Registry, challenger: Any, decision: dict[str, Any]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = challenger.save(Path(tmp) / challenger.model_id)
        return register_folder(
            registry,
            folder,
            run_name=f"retrain challenger ({decision['outcome']})",
            params={"trigger": decision["trigger"], "batches": ",".join(decision["batches"])},
            metrics={f"holdout_{k}": v for k, v in decision["challenger"].items()},
            tags={
                "retrain.outcome": decision["outcome"],
                "retrain.reason": decision["reason"],
                COMMIT_TAG: decision["commit_id"],
            },
        )


def commit_decision(
    registry: Registry, log_path: Path, decision: dict[str, Any], challenger: Any = None
) -> dict[str, Any]:
    """Register/alias/log ``decision`` by the write-ahead protocol of this module; the
    decision as logged. The caller holds the ``retrain`` run lock."""
    log_path = Path(log_path)
    reconcile(registry, log_path)
    decision.setdefault("decided_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    decision["commit_id"] = uuid.uuid4().hex[:16]
    path = intent_path(log_path)
    write_intent(
        path,
        {
            "commit_id": decision["commit_id"],
            "aliases_before": registry.aliases(),
            "outcome": decision["outcome"],
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
    )
    try:
        if challenger is not None:
            version = _register_challenger(registry, challenger, decision)
            decision["challenger_version"] = version
            registry.set_challenger(version)
            if decision["outcome"] == "promoted":
                registry.promote(version, reason=decision["reason"])
        decision["champion_version"] = registry.aliases().get(CHAMPION)
        append_decision(log_path, decision)  # the commit point
        clear_intent(path)
    except BaseException:
        logger.error("retrain commit %s failed: reconciling", decision["commit_id"])
        try:
            reconcile(registry, log_path)
        except Exception as exc:  # noqa: BLE001 - the intent stays; the next run reconciles
            logger.error("could not reconcile now (%s); the next run will", exc)
        raise
    _log_decision_run(registry, decision)
    return decision


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
                    COMMIT_TAG: decision["commit_id"],
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
