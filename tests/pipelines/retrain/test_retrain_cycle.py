"""retrain: drift gate, quarantine, promotion rule, crash safety, the run lock."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "registry"))

from registry_fixtures import fresh_registry  # noqa: E402
from synthetic_text_models import PREPROCESS, fitted_vectorizer, raw_reviews, tokens_of  # noqa: E402
from synthetic_tokens import project_config  # noqa: E402

from mlops_pipeline.errors import UserInputError  # noqa: E402
from mlops_pipeline.hooks import RunLockHook  # noqa: E402
from mlops_pipeline.models.classical import ClassicalTextModel  # noqa: E402
from mlops_pipeline.pipelines.retrain import create_pipeline  # noqa: E402
from mlops_pipeline.registry import CHALLENGER, CHAMPION, commit, retraining  # noqa: E402
from mlops_pipeline.registry.commit import intent_path  # noqa: E402
from mlops_pipeline.registry.intake import dvc_add, frozen_holdout  # noqa: E402
from mlops_pipeline.registry.retraining import (  # noqa: E402
    CycleInputs,
    decide,
    read_decisions,
    run_cycle,
)
from mlops_pipeline.run_lock import RunLockedError, pipeline_lock  # noqa: E402
from mlops_pipeline.run_summary import retrain_markdown  # noqa: E402

DRIFT = project_config("test")["parameters"]["drift"]  # size-calibrated thresholds
RULE = {"metric": "accuracy", "min_delta": 0.0, "other_metrics": ["roc_auc"], "tolerance": 1.0}


def _params(root: Path, **changes) -> dict:
    params = {
        "batches": {k: str(root / k) for k in ("incoming", "accepted", "quarantine")},
        "decision_log": str(root / "reporting" / "decisions.jsonl"),
        "max_chars": 10000,
        "trigger": {"on_drift": True, "scheduled": False, "force": False},
        "drift": {"reference_rows": 60, "report_dir": str(root / "reporting" / "drift")},
        "challenger": {"family": "logreg", "features": "tfidf",
                       "vectorizer": {"ngram_range": [1, 2], "min_df": 1}, "params": {"C": 1.0}},
        "promotion": dict(RULE),
        "holdout": {"rows": 20},
    }  # fmt: skip
    for key, value in changes.items():
        params[key] = value
    return params


@pytest.fixture
def workspace(tmp_path):
    frame = raw_reviews(240, seed=0)
    frame["tokens"] = tokens_of(frame["text"].tolist())
    reference = frame[frame["fold"] != "test"].reset_index(drop=True)
    holdout = frozen_holdout(frame[frame["fold"] == "test"], 40).reset_index(drop=True)
    # a weak first champion (noisy labels), so a challenger can beat it
    noisy = raw_reviews(40, seed=5, noise=0.5)
    tokens = tokens_of(noisy["text"].tolist())
    champion_model = ClassicalTextModel(
        PREPROCESS, fitted_vectorizer("bow", tokens), "mnb", {}, model_id="mnb__bow", features="bow"
    ).fit(noisy["text"].tolist(), noisy["label"].to_numpy())
    folder = champion_model.save(tmp_path / "models" / champion_model.model_id)
    inputs = CycleInputs(reference=reference, holdout=holdout, first_champion=lambda: folder)
    registry = fresh_registry()
    (tmp_path / "incoming").mkdir()
    return registry, inputs, tmp_path


def _batch(root: Path, name: str, seed: int, drift: bool = False, n: int = 80) -> Path:
    frame = raw_reviews(n, seed=seed).rename(columns={"review_id": "id"})
    frame["id"] = [f"{name}-{i}" for i in range(len(frame))]
    if drift:  # stripped of case and punctuation, as a broken upstream export would
        frame["text"] = [re.sub(r"[^\w\s]", "", t).lower() for t in frame["text"]]
    path = root / "incoming" / f"{name}.csv"
    frame[["id", "text", "label"]].to_csv(path, index=False)
    return path


def _cycle(registry, inputs, root, **changes):
    params = _params(root, **changes)
    return run_cycle(registry, inputs, params, PREPROCESS, 0, DRIFT)


def test_decide_needs_min_delta_and_tolerance() -> None:
    champ = {"accuracy": 0.80, "roc_auc": 0.90}
    rule = {"metric": "accuracy", "min_delta": 0.01, "other_metrics": ["roc_auc"],
            "tolerance": 0.005}  # fmt: skip
    assert decide(champ, {"accuracy": 0.81, "roc_auc": 0.90}, rule)[0] == "promoted"
    assert decide(champ, {"accuracy": 0.805, "roc_auc": 0.95}, rule)[0] == "kept"
    assert decide(champ, {"accuracy": 0.85, "roc_auc": 0.89}, rule)[0] == "kept"
    assert decide(champ, {"accuracy": 0.85, "roc_auc": 0.896}, rule)[0] == "promoted"


def test_no_drift_skips_and_drift_retrains_and_promotes(workspace) -> None:
    registry, inputs, root = workspace
    _batch(root, "b1", seed=1)
    first = _cycle(registry, inputs, root)
    assert first["outcome"] == "skipped" and first["reason"] == "no drift"
    assert first["batches"] == ["b1.csv"] and not first["drift"]["drift_detected"]
    champion = registry.alias(CHAMPION).version
    assert len(registry.versions()) == 1  # only the first champion

    _batch(root, "b2", seed=2, drift=True)
    second = _cycle(registry, inputs, root)
    assert second["drift"]["drift_detected"] and second["trigger"] == "drift"
    page = Path(second["drift"]["report"]).read_text()
    assert "<html" in page[:2000].lower() and "<section id='drift-verdict'" in page
    assert "Drift detected" in page.split("<body", 1)[1][:1000]  # the gate's verdict first
    assert second["batches"] == ["b2.csv"]
    assert second["train_rows"] == len(inputs.reference) + 160  # every accepted batch
    assert second["outcome"] == "promoted", second["reason"]
    assert registry.alias(CHAMPION).version == second["challenger_version"] != champion
    assert registry.alias(CHALLENGER).version == second["challenger_version"]
    summary = retrain_markdown(second)  # the one-screen summary the run ends with
    assert "| decision | promoted: " in summary and "Drift detected" in summary
    assert f"→ {second['challenger_version']} |" in summary
    assert "python -m mlops_pipeline.registry rollback" in summary
    assert [d["outcome"] for d in read_decisions(root / "reporting" / "decisions.jsonl")] == [
        "skipped",
        "promoted",
    ]
    assert sorted(p.name for p in (root / "accepted").iterdir()) == ["b1.csv", "b2.csv"]
    # a worse-than-min_delta challenger leaves the champion where it is
    third = _cycle(
        registry,
        inputs,
        root,
        trigger={"on_drift": True, "scheduled": True, "force": False},
        promotion={**RULE, "min_delta": 1.0},
    )
    assert third["outcome"] == "kept" and third["trigger"] == "schedule"
    assert registry.alias(CHAMPION).version == second["challenger_version"]
    assert registry.alias(CHALLENGER).version == third["challenger_version"]
    registry.rollback()
    assert registry.alias(CHAMPION).version == champion


def test_a_malformed_batch_is_quarantined_whole_with_its_reason(workspace) -> None:
    registry, inputs, root = workspace
    path = _batch(root, "bad", seed=3)
    frame = pd.read_csv(path)
    frame.loc[3, "text"] = "   "
    frame.loc[5, "label"] = 7
    frame.to_csv(path, index=False)
    (root / "incoming" / "notes.txt").write_text("hello")
    decision = _cycle(registry, inputs, root)
    assert decision["outcome"] == "quarantined"
    assert {q["batch"] for q in decision["quarantined"]} == {"bad.csv", "notes.txt"}
    reason = json.loads((root / "quarantine" / "bad.csv.reason.json").read_text())
    assert reason["rejected_rows"] == 2 and "empty_text" in reason["reason"]
    assert "invalid_label" in reason["reason"]
    assert (root / "quarantine" / "bad.csv").exists() and not path.exists()
    assert not (root / "accepted").exists() or not list((root / "accepted").iterdir())


def _crash_once(monkeypatch, owner, name: str, after: bool = False) -> None:
    """``owner.name`` raises once, before (or after) doing its work: an injected failure."""
    original = getattr(owner, name)
    fired = []

    def crashing(*args, **kwargs):
        result = original(*args, **kwargs) if after else None
        if not fired:
            fired.append(name)
            raise RuntimeError(f"injected crash at {name}")
        return result if after else original(*args, **kwargs)

    monkeypatch.setattr(owner, name, crashing)


# step -> (where the failure is injected, whether it happens after the call, committed?)
CRASHES = {
    "intake": (retraining, "intake", True, False),
    "trained": (retraining, "train_challenger", True, False),
    "decided": (retraining, "commit_decision", False, False),
    "registered": ("registry", "set_challenger", False, False),
    "challenger": ("registry", "promote", False, False),
    "promoted": (commit, "append_decision", False, False),
    "logged": (commit, "clear_intent", False, True),
}


@pytest.mark.parametrize("step", list(CRASHES))
def test_a_crash_at_any_step_leaves_aliases_versions_and_log(workspace, monkeypatch, step) -> None:
    """An exception at each step (monkeypatched in; SIGKILL: tests/registry/test_commit.py):
    before the decision is logged everything is as before and the next run picks the batch
    up again; once it is logged the commit stands."""
    registry, inputs, root = workspace
    _batch(root, "b1", seed=1)
    _cycle(registry, inputs, root)  # first champion + a logged "no drift" decision
    log = root / "reporting" / "decisions.jsonl"
    before = (registry.aliases(), [v.version for v in registry.versions()], log.read_bytes())
    _batch(root, "b2", seed=2, drift=True)
    owner, name, after, committed = CRASHES[step]
    _crash_once(monkeypatch, registry if owner == "registry" else owner, name, after)

    with pytest.raises(RuntimeError, match="injected"):
        _cycle(registry, inputs, root)
    state = (registry.aliases(), [v.version for v in registry.versions()], log.read_bytes())
    if committed:
        last = read_decisions(log)[-1]
        assert last["batches"] == ["b2.csv"] and last["outcome"] == "promoted"
        assert state[0][CHAMPION] == last["challenger_version"] == last["champion_version"]
        assert _cycle(registry, inputs, root)["batches"] == []  # nothing left to judge
    else:
        assert state == before
        # the next run picks the batch up again and completes
        assert _cycle(registry, inputs, root)["batches"] == ["b2.csv"]
    assert not intent_path(log).exists()


def test_the_lock_refuses_a_concurrent_retrain(tmp_path) -> None:
    hook = RunLockHook()
    with pipeline_lock("retrain", tmp_path), pytest.raises(RunLockedError, match="retrain"):
        hook.before_pipeline_run({"project_path": str(tmp_path)}, create_pipeline())


def test_the_holdout_is_frozen() -> None:
    rows = pd.DataFrame({"review_id": [f"test_{i}" for i in range(100)]})
    first = frozen_holdout(rows, 10)["review_id"].tolist()
    assert (
        frozen_holdout(rows.sample(frac=1, random_state=uuid.uuid4().int % 1000), 10)[
            "review_id"
        ].tolist()
        == first
    )


def test_accepted_batches_are_versioned_with_dvc(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], check=True)
    accepted = tmp_path / "batches" / "accepted"
    accepted.mkdir(parents=True)
    (accepted / "b1.csv").write_text("id,text,label\n1,Fine,1\n")
    md5 = dvc_add(accepted)
    assert md5.endswith(".dir") and (tmp_path / "batches" / "accepted.dvc").exists()


def test_a_batch_too_small_to_measure_says_so_instead_of_firing(workspace) -> None:
    registry, inputs, root = workspace
    smallest = min(int(k) for k in DRIFT["thresholds"])
    _batch(root, "tiny", seed=2, drift=True, n=smallest - 1)
    decision = _cycle(registry, inputs, root)
    assert decision["drift"]["measurable"] is False
    assert decision["drift"]["drift_detected"] is None
    assert decision["outcome"] == "skipped"
    assert decision["reason"].startswith("too small to measure")
    # not used up: the tiny batch waits and is judged pooled with the next one
    assert decision["batches"] == [] and decision["waiting"] == ["tiny.csv"]
    _batch(root, "b2", seed=2, drift=True)
    pooled = _cycle(registry, inputs, root)
    assert pooled["drift"]["measurable"] and pooled["drift"]["drift_detected"]
    assert pooled["batches"] == ["b2.csv", "tiny.csv"]


# -- issue 30: intake names, duplicates, the decision log ----------------------------------
def test_a_second_bad_batch_with_the_same_name_keeps_the_first_quarantined(workspace) -> None:
    """Issue 30 #2: the first quarantined file and its .reason.json were overwritten."""
    registry, inputs, root = workspace
    (root / "incoming" / "bad_labels.csv").write_text("id,text,label\n1,A fine film,7\n")
    _cycle(registry, inputs, root)
    first = {p.name: p.read_bytes() for p in (root / "quarantine").iterdir()}
    (root / "incoming" / "bad_labels.csv").write_text("id,text,label\n1,Other film,9\n")
    decision = _cycle(registry, inputs, root)
    after = {p.name: p.read_bytes() for p in (root / "quarantine").iterdir()}
    assert {k: after[k] for k in first} == first and len(after) == 4
    (entry,) = decision["quarantined"]
    assert entry["batch"] == "bad_labels.csv" and entry["moved_to"] != "bad_labels.csv"
    assert after[entry["moved_to"]] == b"id,text,label\n1,Other film,9\n"


def test_a_batch_name_used_before_is_drift_checked_and_trained_on(workspace) -> None:
    """Issue 30 #5: after accepted/flipped.csv was removed by hand, a new flipped.csv was
    accepted but never drift-checked, and the decision said "none accepted"."""
    registry, inputs, root = workspace
    _batch(root, "flipped", seed=1)
    assert _cycle(registry, inputs, root)["batches"] == ["flipped.csv"]
    (root / "accepted" / "flipped.csv").unlink()  # found bad after acceptance: removed by hand
    _batch(root, "flipped", seed=4, drift=True)
    decision = _cycle(registry, inputs, root)
    (name,) = decision["batches"]
    assert name.startswith("flipped-") and name.endswith(".csv")
    assert decision["drift"]["drift_detected"] and decision["trigger"] == "drift"
    assert decision["outcome"] in ("promoted", "kept")
    assert decision["train_rows"] == len(inputs.reference) + 80  # the new rows, once
    (record,) = decision["intake"]["accepted"]
    assert record["source"] == "flipped.csv" and record["batch"] == name
    assert decision["sha256"][name] == record["sha256"]


def test_the_same_content_under_a_new_name_is_quarantined_not_trained_twice(workspace) -> None:
    """Issue 30 #5: the same content under a new name was accepted again (counted twice)."""
    registry, inputs, root = workspace
    path = _batch(root, "b1", seed=1)
    content = path.read_bytes()
    _cycle(registry, inputs, root)
    (root / "incoming" / "b1_resent.csv").write_bytes(content)
    scheduled = {"on_drift": True, "scheduled": True, "force": False}
    decision = _cycle(registry, inputs, root, trigger=scheduled)
    assert [q["reason"] for q in decision["quarantined"]] == ["duplicate of b1.csv"]
    assert decision["train_rows"] == len(inputs.reference) + 80
    assert sorted(p.name for p in (root / "accepted").iterdir()) == ["b1.csv"]


def test_a_truncated_decision_log_fails_in_one_line_before_anything_moves(workspace) -> None:
    """Issue 30: a truncated last line crashed with a traceback after intake moved the batch."""
    registry, inputs, root = workspace
    _batch(root, "b1", seed=1)
    _cycle(registry, inputs, root)
    log = root / "reporting" / "decisions.jsonl"
    log.write_bytes(log.read_bytes() + b'{"outcome": "promo')
    versions = [v.version for v in registry.versions()]
    batch = _batch(root, "b2", seed=2, drift=True)
    with pytest.raises(UserInputError) as info:
        _cycle(registry, inputs, root)
    message = str(info.value)
    assert f"remove or repair line 2 of {log}" in message and "\n" not in message
    assert batch.exists() and not (root / "accepted" / "b2.csv").exists()
    assert [v.version for v in registry.versions()] == versions
