"""The Airflow drift gate (``python -m mlops_pipeline.registry gate``): the retrain intake as a
dry run, with the decision log's history; a corrupt log is one line before anything else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from synthetic_tokens import project_config

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.registry import gate_command as gate_module
from mlops_pipeline.registry.intake import append_decision


@pytest.fixture
def gate_root(tmp_path, monkeypatch):
    """A project root whose retrain folders and log are in ``tmp_path``; reference: text only."""
    params = project_config("test")["parameters"]
    params["retrain"] = {
        **params["retrain"],
        "batches": {k: k for k in ("incoming", "accepted", "quarantine")},
        "decision_log": "decisions.jsonl",
        "drift": {"reference_rows": 50},
    }
    reference = pd.DataFrame(
        {"text": [f"A Fine film, number {i % 60}! Really." for i in range(200)]}
    )
    monkeypatch.setattr(
        gate_module, "load_run_inputs", lambda root, env, ref: (params, reference, None)
    )
    (tmp_path / "incoming").mkdir()
    return tmp_path


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_truncated_decision_log_is_one_line_and_nothing_moves(gate_root):
    log = gate_root / "decisions.jsonl"
    append_decision(log, {"outcome": "skipped", "batches": []})
    log.write_bytes(log.read_bytes() + b'{"outcome": "sk')
    (gate_root / "incoming" / "b.csv").write_text("id,text,label\n1,A fine film,1\n")
    before = _tree(gate_root)
    with pytest.raises(UserInputError, match=r"remove or repair line 2 of .*decisions.jsonl"):
        gate_module.gate(gate_root, "test")
    assert _tree(gate_root) == before


def test_the_dry_run_renames_a_used_name_and_reports_duplicates(gate_root):
    """The gate judges what the next retrain will: a name the decision log used is taken
    in under a new name (not skipped), the same content again is a duplicate."""
    rows = "".join(f"{i},A Fine film number {i}! Really.,1\n" for i in range(60))
    for name in ("flipped.csv", "z_copy.csv"):
        (gate_root / "incoming" / name).write_text("id,text,label\n" + rows)
    append_decision(gate_root / "decisions.jsonl", {"outcome": "kept", "batches": ["flipped.csv"]})
    before = _tree(gate_root)
    code, summary = gate_module.gate(gate_root, "test")
    assert _tree(gate_root) == before  # a dry run
    (name,) = summary["batches"]
    assert name.startswith("flipped-") and name.endswith(".csv")
    assert code == 0 and summary["invalid"] == ["z_copy.csv"]
    assert [q["reason"] for q in summary["quarantine_reasons"]] == [f"duplicate of {name}"]
