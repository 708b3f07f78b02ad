"""Child process of tests/registry/test_commit.py: a registry with a first champion, then one
forced promotion SIGKILLed at a step boundary (``argv``: decision log, boundary; the store is
``MLFLOW_TRACKING_URI``, one per child).

The kill is placed by replacing the function that runs right after the boundary (no test seam
in the code): the process dies there as a power cut would, with nothing cleaned up. Before
the commit starts, the child writes ``before.json`` (aliases, versions, log) beside the log.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_fixtures import PROJECT_ROOT, model_folder  # noqa: E402
from synthetic_text_models import trained_model  # noqa: E402

from mlops_pipeline.registry import Registry, commit, register_folder  # noqa: E402
from mlops_pipeline.registry.intake import append_decision  # noqa: E402
from mlops_pipeline.tracking.config import load_tracking_config  # noqa: E402

REGISTERED_MODEL = "crash-test"
#: boundary (what is durable when the process dies) -> the call that would come next
BOUNDARIES = {
    "nothing written": (commit, "write_intent"),
    "intent logged": (commit, "register_folder"),
    "version registered": (Registry, "set_challenger"),
    "challenger alias moved": (Registry, "promote"),
    "champion alias moved": (commit, "append_decision"),
    "outcome logged": (commit, "clear_intent"),
    "intent removed": (commit, "_log_decision_run"),
    "finished": None,
}


def registry() -> Registry:
    base = load_tracking_config(PROJECT_ROOT, "test")
    return Registry(type(base)(**{**base.__dict__, "registered_model": REGISTERED_MODEL}))


def _die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main(log: str, boundary: str) -> int:
    log_path = Path(log)
    reg = registry()
    folder, _, _ = model_folder(log_path.parent / "models", c=1.0)
    reg.promote(register_folder(reg, folder, run_name="first champion"))
    append_decision(log_path, {"outcome": "skipped", "batches": ["b1.csv"], "champion_version": 1})
    before = {
        "aliases": reg.aliases(),
        "versions": [v.version for v in reg.versions()],
        "log": log_path.read_text(),
    }
    (log_path.parent / "before.json").write_text(json.dumps(before))

    challenger, _ = trained_model("logreg", "tfidf", {"C": 3.0})
    decision = {
        "outcome": "promoted",
        "reason": "forced promotion (crash test)",
        "trigger": "forced",
        "batches": ["b2.csv"],
        "champion": {"accuracy": 0.5},
        "challenger": {"accuracy": 0.9},
    }
    target = BOUNDARIES[boundary]
    if target is not None:
        setattr(*target, _die)
    commit.commit_decision(reg, log_path, decision, challenger)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
