"""The one-screen summaries of ``score`` and ``retrain``: the numbers a person needs, and the
hook that prints them as the run's last lines."""

from __future__ import annotations

from kedro.io import MemoryDataset

from mlops_pipeline.run_summary import (
    ROLLBACK,
    RunSummaryHook,
    markdown_table,
    retrain_markdown,
    score_markdown,
)

SCORE = {
    "run": "new-1a2b3c4d-20261207T040000.000Z",
    "input": "examples/new_reviews.csv",
    "sha256": "1a2b3c4d" + "0" * 56,
    "rows": 12,
    "accepted": 10,
    "rejected": 2,
    "reject_reasons": {"too_long": 1, "empty_text": 1},
    "status": "scored",
    "error": None,
    "champion": {"model_id": "ensemble", "source": "registry m@champion", "registry_version": 3},
    "outputs": {
        "model_output": ["predictions.parquet", "rejects.parquet"],
        "reporting": ["drift_summary.json", "summary.json", "summary.md"],
    },
}
TOO_SMALL = {
    "drift_detected": None,
    "measurable": False,
    "reason": "too small to measure: 10 rows, the smallest calibrated sample is 50",
    "signals": {},
}


def test_score_summary_has_counts_rejects_by_reason_champion_drift_and_folders():
    text = score_markdown(SCORE, TOO_SMALL)
    assert text.startswith(f"## score run `{SCORE['run']}`")
    for row in (
        "| rows read | 12 |",
        "| scored | 10 |",
        "| rejected | 2 (empty_text: 1, too_long: 1) |",
        "| champion | ensemble (registry m@champion, version 3) |",
        "| drift | Drift: too small to measure: 10 rows, the smallest calibrated sample is 50. |",
        f"| reports | `08_reporting/score/{SCORE['run']}/`: drift_summary.json, summary.json, "
        "summary.md |",
    ):
        assert row in text, text


def test_a_failed_score_run_scores_nothing_and_says_why():
    failed = {**SCORE, "status": "failed", "error": "2 of 12 rows rejected"}
    text = score_markdown(failed, None)
    assert "| status | failed: 2 of 12 rows rejected |" in text and "| scored | 0 |" in text


def test_retrain_summary_gives_the_decision_its_numbers_and_the_rollback():
    decision = {
        "outcome": "promoted",
        "reason": "accuracy +0.0120 >= 0.01",
        "trigger": "drift",
        "batches": ["b2.csv"],
        "quarantined": [],
        "drift": TOO_SMALL,
        "champion": {"accuracy": 0.81},
        "challenger": {"accuracy": 0.822},
        "champion_before": 1,
        "champion_version": 2,
    }
    text = retrain_markdown(decision)
    assert "| decision | promoted: accuracy +0.0120 >= 0.01 |" in text
    assert "| challenger (holdout) | accuracy 0.8220 |" in text
    assert "| champion version | 1 → 2 |" in text and f"`{ROLLBACK}`" in text
    kept = retrain_markdown({**decision, "outcome": "kept", "champion_version": 1})
    assert ROLLBACK not in kept and "| champion version | 1 → 1 |" in kept


def test_pipes_in_values_do_not_break_the_table():
    assert markdown_table([("reason", "a | b")]).splitlines()[-1] == r"| reason | a \| b |"


def test_the_hook_prints_each_run_summary_output_and_nothing_else(capsys):
    RunSummaryHook().after_pipeline_run(
        {
            "score_run_summary": MemoryDataset("## score run `r1`\n\n| | |\n|---|---|\n| a | b |"),
            "score_summary": MemoryDataset({"not": "printed"}),
        }
    )
    out = capsys.readouterr().out
    assert "score run r1" in out and "not" not in out
