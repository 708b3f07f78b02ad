"""One-screen summaries of the operational runs (``score``, ``retrain``): Markdown written
beside their JSON, and printed on the terminal (rich) when the run ends.

A pipeline opts in with a free output named ``<pipeline>_run_summary`` holding the Markdown
text; :class:`RunSummaryHook` prints every such output after the pipeline ran, so the
terminal ends with the summary instead of Kedro's node log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kedro.framework.hooks import hook_impl

from mlops_pipeline.drift import verdict_lines

SUFFIX = "_run_summary"
ROOT_NOTE = "Folders are under the data root (`data/` unless `globals.data_root` says otherwise)."
ROLLBACK = "python -m mlops_pipeline.registry rollback"


def _cell(value: Any) -> str:
    return str(value).replace("|", r"\|").replace("\n", " ")


def markdown_table(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column Markdown table (``|`` in values escaped)."""
    lines = ["| | |", "|---|---|"]
    lines += [f"| {key} | {_cell(value)} |" for key, value in rows]
    return "\n".join(lines)


def _counts(reasons: Mapping[str, int]) -> str:
    return ", ".join(f"{reason}: {n}" for reason, n in sorted(reasons.items()))


def champion_text(info: Mapping[str, Any] | None) -> str:
    """``model_id`` with where it came from and, from the registry, its version."""
    if not info:
        return "none"
    text = f"{info['model_id']} ({info.get('source', 'unknown source')}"
    if info.get("registry_version") is not None:
        text += f", version {info['registry_version']}"
    return text + ")"


def drift_lines(drift: Mapping[str, Any] | None, fallback: str) -> list[str]:
    """The drift verdict as lines (:func:`mlops_pipeline.drift.verdict_lines`)."""
    if not drift:
        return [fallback]
    if not drift.get("signals") and drift.get("measurable") is False:
        return [f"Drift: {drift.get('reason', 'not measured')}."]
    return verdict_lines(drift)


def score_markdown(summary: Mapping[str, Any], drift: Mapping[str, Any] | None) -> str:
    """The summary of one ``score`` run (``summary.json`` and its ``drift_summary.json``)."""
    run, outputs = summary["run"], summary["outputs"]
    rejected = f"{summary['rejected']:,}"
    if summary["reject_reasons"]:
        rejected += f" ({_counts(summary['reject_reasons'])})"
    scored = summary["accepted"] if summary["status"] == "scored" else 0
    rows = [
        ("status", summary["status"] + (f": {summary['error']}" if summary.get("error") else "")),
        ("input", f"`{summary['input']}` (sha256 {summary['sha256'][:8]})"),
        ("rows read", f"{summary['rows']:,}"),
        ("scored", f"{scored:,}"),
        ("rejected", rejected),
        ("champion", champion_text(summary.get("champion"))),
        ("drift", drift_lines(drift, summary.get("drift", "not measured"))[0]),
        ("model outputs", f"`07_model_output/score/{run}/`: {', '.join(outputs['model_output'])}"),
        ("reports", f"`08_reporting/score/{run}/`: {', '.join(outputs['reporting'])}"),
    ]
    notes = drift_lines(drift, "")[1:] + [ROOT_NOTE]
    return f"## score run `{run}`\n\n{markdown_table(rows)}\n\n" + "\n\n".join(notes) + "\n"


def _scores(scores: Mapping[str, float] | None) -> str:
    return ", ".join(f"{k} {v:.4f}" for k, v in (scores or {}).items()) or "not trained"


def retrain_markdown(decision: Mapping[str, Any]) -> str:
    """The summary of one ``retrain`` cycle (the decision it logged)."""
    outcome = decision["outcome"]
    undo = f"`{ROLLBACK}`" if outcome == "promoted" else "nothing to undo (champion unchanged)"
    rows = [
        ("decision", f"{outcome}: {decision['reason']}"),
        ("trigger", decision.get("trigger", "none")),
        ("batches", ", ".join(decision.get("batches") or []) or "none"),
        ("waiting", ", ".join(decision.get("waiting") or []) or "none"),
        ("quarantined", ", ".join(decision.get("quarantined") or []) or "none"),
        ("drift", drift_lines(decision.get("drift"), "not measured")[0]),
        ("champion (holdout)", _scores(decision.get("champion"))),
        ("challenger (holdout)", _scores(decision.get("challenger"))),
        (
            "champion version",
            f"{decision.get('champion_before')} → "
            f"{decision.get('champion_version', decision.get('champion_before'))}",
        ),
        ("to roll back", undo),
    ]
    notes = drift_lines(decision.get("drift"), "")[1:]
    report = (decision.get("drift") or {}).get("report")
    notes += [f"Drift report: `{report}`."] if report else []
    return "## retrain cycle\n\n" + markdown_table(rows) + "\n\n" + "\n\n".join(notes) + "\n"


class RunSummaryHook:
    """Prints each ``*_run_summary`` output of a finished run (the run's last lines)."""

    @hook_impl
    def after_pipeline_run(self, run_result: dict[str, Any]) -> None:
        for name in sorted(run_result):
            if name.endswith(SUFFIX):
                print_markdown(run_result[name].load())


def print_markdown(text: str) -> None:
    """``text`` rendered on the terminal (rich), plain when rich is absent."""
    try:
        from rich.console import Console
        from rich.markdown import Markdown
    except ImportError:  # pragma: no cover - rich comes with kedro
        print(text)
        return
    Console().print(Markdown(text))
