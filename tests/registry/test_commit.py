"""Defect 4 of issue 22: the retrain commit survives SIGKILL at every step boundary.

Before: killed between the alias move and the decision append, the champion moved 1 -> 6 and
``decisions.jsonl`` recorded nothing; the next decision started from 6. Now the commit is a
write-ahead protocol (``registry/commit.py``): a restart reconciles an intent without an
outcome by rolling it back, and completes one whose outcome was logged.

Each boundary runs in its own child process on its own MLflow store (copies of one empty,
migrated database), all at once: a real ``SIGKILL`` at the boundary, then the restart here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from commit_crash_child import BOUNDARIES, registry

from mlops_pipeline.registry import CHALLENGER, CHAMPION
from mlops_pipeline.registry.commit import commit_decision, intent_path, reconcile
from mlops_pipeline.registry.intake import read_decisions

CHILD = Path(__file__).with_name("commit_crash_child.py")
#: boundaries after which the outcome is in the log: the restart completes the commit
COMMITTED = {"outcome logged", "intent removed", "finished"}


def _slug(boundary: str) -> str:
    return re.sub(r"\W+", "_", boundary)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory) -> dict[str, tuple[Path, str, int, str]]:
    """``{boundary: (decision log, store URI, exit code, stderr)}`` of every child."""
    from mlflow import MlflowClient

    root = tmp_path_factory.mktemp("crashes")
    template = root / "template.db"
    MlflowClient(tracking_uri=f"sqlite:///{template}").search_experiments()  # migrate once
    children = {}
    for boundary in BOUNDARIES:
        folder = root / _slug(boundary)
        folder.mkdir()
        shutil.copy(template, folder / "mlflow.db")
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        log = folder / "reporting" / "decisions.jsonl"
        log.parent.mkdir()
        children[boundary] = (
            log,
            uri,
            subprocess.Popen(
                [sys.executable, str(CHILD), str(log), boundary],
                env={**os.environ, "MLFLOW_TRACKING_URI": uri},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    done = {}
    for boundary, (log, uri, child) in children.items():
        _, err = child.communicate(timeout=600)
        done[boundary] = (log, uri, child.returncode, err)
    return done


@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_a_forced_promotion_killed_at_each_boundary_reconciles(
    crashed, monkeypatch, boundary
) -> None:
    log, uri, code, err = crashed[boundary]
    killed = boundary != "finished"
    assert code == (-signal.SIGKILL if killed else 0), err[-3000:]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    reg = registry()
    before = json.loads((log.parent / "before.json").read_text())
    assert before["aliases"] == {CHAMPION: 1} and before["versions"] == [1]

    # the restart: what `retrain` and the registry CLI do before anything else
    outcome = reconcile(reg, log)
    assert not intent_path(log).exists()
    aliases, versions = reg.aliases(), [v.version for v in reg.versions()]
    if boundary in COMMITTED:
        assert outcome == ("completed" if boundary == "outcome logged" else None)
        last = read_decisions(log)[-1]
        assert last["outcome"] == "promoted" and last["batches"] == ["b2.csv"]
        assert aliases == {CHAMPION: 2, CHALLENGER: 2} and versions == [1, 2]
        assert last["challenger_version"] == last["champion_version"] == 2
        assert reg.get(2).tags["previous_champion"] == "1"
        assert reg.load(CHAMPION) is not None  # the champion's files check out
    else:
        assert outcome == (None if boundary == "nothing written" else "rolled back")
        # champion 1, no orphan version, the log as it was
        assert (aliases, versions, log.read_text()) == (
            before["aliases"],
            before["versions"],
            before["log"],
        )
    # the next decision starts from the champion the log says
    nxt = commit_decision(reg, log, {"outcome": "skipped", "reason": "no drift",
                                     "trigger": "none", "batches": []})  # fmt: skip
    assert nxt["champion_version"] == aliases[CHAMPION]
    assert read_decisions(log)[-1]["commit_id"] == nxt["commit_id"]
