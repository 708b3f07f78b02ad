"""The verdict a person reads first: one sentence, the sizes, and every signal against its
threshold, as HTML above Evidently's cards and as plain lines for terminal summaries.

Built from the summary dict alone (``drift_summary.json``), so the drift stage, ``score`` and
the retrain gate show the same header for the same verdict.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

COLOURS = {"detected": "#b71c1c", "not detected": "#1b5e20", "too small": "#6d4c41"}
ADVICE = {
    "detected": "Read the cards of the signals above their thresholds below; if the batch is "
    "what the model will see from now on, retrain (`kedro run --pipelines retrain`).",
    "not detected": "Nothing to do: the batch looks like the reference reviews.",
    "too small": "Pool it with later batches and check again (the retrain gate does).",
}
_STYLE = "font-family:sans-serif;margin:16px;padding:16px;border:2px solid {c};border-radius:6px"


def verdict(summary: Mapping[str, Any]) -> str:
    """``detected``, ``not detected`` or ``too small``."""
    if not summary.get("measurable", True) or summary.get("drift_detected") is None:
        return "too small"
    return "detected" if summary["drift_detected"] else "not detected"


def headline(summary: Mapping[str, Any]) -> str:
    """One sentence: the verdict and which signals crossed their thresholds."""
    if verdict(summary) == "too small":
        return f"Drift: {summary['reason']}."
    fired = [name for name, s in summary["signals"].items() if s["drifted"]]
    word = "detected" if summary["drift_detected"] else "not detected"
    listed = f": {', '.join(fired)}" if fired else ""
    return (
        f"Drift {word}: {len(fired)} of {summary['n_signals']} signals above their "
        f"thresholds{listed}."
    )


def sizes_line(summary: Mapping[str, Any]) -> str:
    """Reference and current rows (compared of total) and the calibrated sample size."""
    rows = summary["rows"]
    ref, cur = rows["reference"], rows["current"]
    if "current_sampled" in rows:
        ref = f"{rows['reference_sampled']:,} of {ref:,}"
        cur = f"{rows['current_sampled']:,} of {cur:,}"
    line = f"Reference: {ref} reviews; current: {cur} reviews"
    if summary.get("calibrated_rows"):
        line += f"; thresholds calibrated at {summary['calibrated_rows']:,} reviews"
    share = summary.get("drift_share_threshold")
    return f"{line}; drift when a share of {share} of the signals fire."


def quality_line(summary: Mapping[str, Any]) -> str | None:
    """The champion's accuracy on both sides, when the batch has labels."""
    quality = summary.get("quality")
    if not quality:
        return None
    ref, cur = quality["reference"]["accuracy"], quality["current"]["accuracy"]
    return f"Champion accuracy: {ref:.4f} on the reference (val), {cur:.4f} on the batch."


def verdict_lines(summary: Mapping[str, Any]) -> list[str]:
    """The header as plain lines (terminal summaries)."""
    lines = [headline(summary), sizes_line(summary), quality_line(summary)]
    return [line for line in lines if line] + [ADVICE[verdict(summary)]]


def _row(name: str, signal: Mapping[str, Any]) -> str:
    fired = "<b>above: fired</b>" if signal["drifted"] else "below"
    cells = (html.escape(name), f"{signal['score']:.3f}", f"{signal['threshold']:.3f}", fired)
    return "<tr>" + "".join(f"<td style='padding:2px 12px'>{c}</td>" for c in cells) + "</tr>"


def _table(summary: Mapping[str, Any]) -> str:
    head = "".join(
        f"<th style='padding:2px 12px;text-align:left'>{h}</th>"
        for h in ("signal", "score", "threshold", "against the threshold")
    )
    rows = [_row(name, s) for name, s in summary["signals"].items()]
    rows += [
        f"<tr><td style='padding:2px 12px'>{html.escape(name)}</td>"
        f"<td colspan='3' style='padding:2px 12px'>left out: {html.escape(why)}</td></tr>"
        for name, why in (summary.get("skipped_signals") or {}).items()
    ]
    return f"<table style='border-collapse:collapse'><tr>{head}</tr>{''.join(rows)}</table>"


def header_html(summary: Mapping[str, Any]) -> str:
    """The verdict section placed first in every drift report."""
    kind = verdict(summary)
    colour = COLOURS[kind]
    parts = [
        f"<section id='drift-verdict' style='{_STYLE.format(c=colour)}'>",
        f"<h1 style='color:{colour};margin:0 0 8px'>{html.escape(headline(summary))}</h1>",
    ]
    parts += [
        f"<p style='margin:4px 0'>{html.escape(line)}</p>" for line in verdict_lines(summary)[1:]
    ]
    if summary.get("signals"):
        parts.append(_table(summary))
    parts.append(
        "<p style='margin:8px 0 0;color:#555'>The project's verdict (drift_summary.json). "
        "Below: Evidently's cards, each with the calibrated threshold of its signal.</p>"
    )
    return "".join(parts) + "</section>"


def with_header(page: str, summary: Mapping[str, Any]) -> str:
    """``page`` (a whole HTML document) with the verdict section first in its body."""
    start = page.find("<body")
    if start < 0:
        return header_html(summary) + page
    end = page.index(">", start) + 1
    return page[:end] + header_html(summary) + page[end:]
