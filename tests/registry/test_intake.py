"""Batch intake (issue 30): names never collide, duplicate content is caught by SHA-256, a name
used before is recognised from the decision log, a corrupt decision log is one clear line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.registry.intake import append_decision, intake, read_decisions

GOOD = "id,text,label\n1,A wonderful film,1\n2,An awful film,0\n"
OTHER = "id,text,label\n1,A brilliant film,1\n2,A dull film,0\n"


def _folders(tmp_path: Path) -> dict[str, Path]:
    folders = {k: tmp_path / k for k in ("incoming", "accepted", "quarantine")}
    folders["incoming"].mkdir()
    return folders


def _drop(folders, name: str, text: str) -> Path:
    path = folders["incoming"] / name
    path.write_text(text)
    return path


def _run(folders, decisions=(), dry_run=False):
    return intake(
        folders["incoming"],
        folders["accepted"],
        folders["quarantine"],
        max_chars=1000,
        dry_run=dry_run,
        decisions=decisions,
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_second_bad_file_with_the_same_name_never_overwrites_the_first(tmp_path):
    """Issue 30 #2: the first quarantined file and its .reason.json were overwritten."""
    folders = _folders(tmp_path)
    _drop(folders, "bad_labels.csv", "id,text,label\n1,A fine film,7\n")
    first = _run(folders)
    kept = _tree(folders["quarantine"])
    assert set(kept) == {"bad_labels.csv", "bad_labels.csv.reason.json"}
    _drop(folders, "bad_labels.csv", "id,text,label\n1,Another film,9\n2,More,8\n")
    second = _run(folders)
    after = _tree(folders["quarantine"])
    assert {k: after[k] for k in kept} == kept  # the first one and its reason are intact
    new = sorted(set(after) - set(kept))
    assert len(new) == 2 and new[0].startswith("bad_labels-") and new[1].endswith(".reason.json")
    reason = json.loads(after[new[1]])
    assert reason["batch"] == "bad_labels.csv" and reason["moved_to"] == new[0]
    assert reason["sha256"] == hashlib.sha256(after[new[0]]).hexdigest()
    assert first.quarantined[0]["moved_to"] == "bad_labels.csv"
    assert second.quarantined[0]["moved_to"] == new[0]


def test_the_same_content_under_a_new_name_is_a_reported_duplicate(tmp_path):
    """Issue 30 #5: the same rows under a new name were accepted again (counted twice)."""
    folders = _folders(tmp_path)
    _drop(folders, "b1.csv", GOOD)
    first = _run(folders)
    assert first.accepted == ["b1.csv"]
    assert first.records[0]["sha256"] == hashlib.sha256(GOOD.encode()).hexdigest()
    _drop(folders, "b1_again.csv", GOOD)
    _drop(folders, "b2.csv", OTHER)
    _drop(folders, "b2_copy.csv", OTHER)  # a duplicate within one intake too
    second = _run(folders)
    assert second.accepted == ["b2.csv"]
    reasons = {q["batch"]: q["reason"] for q in second.quarantined}
    assert reasons == {"b1_again.csv": "duplicate of b1.csv", "b2_copy.csv": "duplicate of b2.csv"}
    assert sorted(p.name for p in folders["accepted"].iterdir()) == ["b1.csv", "b2.csv"]


def test_content_accepted_before_and_removed_by_hand_is_still_a_duplicate(tmp_path):
    folders = _folders(tmp_path)
    decisions = [{"batches": ["flipped.csv"], "sha256": {"flipped.csv": _sha(GOOD)}}]
    _drop(folders, "flipped_fixed.csv", GOOD)
    result = _run(folders, decisions)
    assert result.accepted == []
    assert result.quarantined[0]["reason"] == "duplicate of flipped.csv"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_name_used_before_is_accepted_under_a_new_name_not_skipped(tmp_path):
    """Issue 30 #5: accepted/flipped.csv removed by hand, a new flipped.csv was accepted under
    the used name, so no later decision ever drift-checked or trained on it."""
    folders = _folders(tmp_path)
    decisions = [{"batches": ["flipped.csv"], "outcome": "kept"}]  # its file was removed
    _drop(folders, "flipped.csv", OTHER)
    result = _run(folders, decisions)
    (name,) = result.accepted
    assert name == f"flipped-{_sha(OTHER)[:8]}.csv"
    assert result.records[0] == {
        "batch": name,
        "source": "flipped.csv",
        "sha256": _sha(OTHER),
        "rows": 2,
        "renamed": "name flipped.csv was used before",
    }
    assert (folders["accepted"] / name).read_text() == OTHER
    # a name still in accepted/ is taken too
    _drop(folders, "b1.csv", GOOD)
    _run(folders)
    _drop(folders, "b1.csv", "id,text,label\n9,A superb film,1\n")
    assert _run(folders).accepted[0].startswith("b1-")


def test_a_dry_run_reaches_the_same_verdicts_and_moves_nothing(tmp_path):
    folders = _folders(tmp_path)
    _drop(folders, "b1.csv", GOOD)
    _run(folders)
    _drop(folders, "b1.csv", OTHER)
    _drop(folders, "copy.csv", GOOD)
    before = _tree(tmp_path)
    dry = _run(folders, dry_run=True)
    assert _tree(tmp_path) == before
    real = _run(folders)
    assert (dry.accepted, dry.quarantined[0]["reason"]) == (
        real.accepted,
        real.quarantined[0]["reason"],
    )


def test_a_truncated_decision_log_is_one_line_naming_the_file_line_and_fix(tmp_path):
    """Issue 30: a truncated last line of decisions.jsonl ended in a JSONDecodeError traceback."""
    log = tmp_path / "decisions.jsonl"
    append_decision(log, {"outcome": "skipped", "batches": ["b1.csv"]})
    append_decision(log, {"outcome": "skipped", "batches": ["b2.csv"]})
    log.write_bytes(log.read_bytes() + b'{"outcome": "prom')
    with pytest.raises(UserInputError) as info:
        read_decisions(log)
    message = str(info.value)
    assert str(log) in message and "line 3" in message
    assert "remove or repair line 3" in message and "\n" not in message
    log.write_bytes(b'{"a": 1}\n[1, 2]\n')
    with pytest.raises(UserInputError, match="line 2 is not a JSON object"):
        read_decisions(log)
