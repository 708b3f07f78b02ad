"""The verdict header: first on the page, the same words as the summary, and no Evidently card
that contradicts it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from mlops_pipeline.drift import DESCRIPTORS, report_html, run_drift, verdict_lines
from mlops_pipeline.drift.build import EXPLAIN_TITLE
from mlops_pipeline.drift.header import header_html, headline, verdict

PARAMS = {
    "sample_size": 200,
    "drift_share": 0.1,
    "explain_text": True,
    "oov_vocabulary_size": 100,
    "thresholds": {
        50: {
            "text": 0.7,
            "embeddings": 0.7,
            "prediction": 0.3,
            "descriptors": {name: 0.3 for name in DESCRIPTORS},
        }
    },
}
WORDS = [f"w{i}" for i in range(200)]


def _frame(n: int, seed: int, upper: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tokens = [list(rng.choice(WORDS, size=rng.integers(30, 60))) for _ in range(n)]
    texts = [" ".join(t) + ". Fine!" for t in tokens]
    if upper:
        texts = [t.upper() for t in texts]
    return pd.DataFrame({"text": texts, "tokens": tokens})


def _summary(detected: bool | None) -> dict:
    if detected is None:
        return {
            "drift_detected": None,
            "measurable": False,
            "reason": "too small to measure: 5 rows, the smallest calibrated sample is 50",
            "calibrated_rows": None,
            "skipped_signals": {},
            "drift_share_threshold": 0.1,
            "n_signals": 0,
            "signals": {},
            "rows": {"reference": 100, "current": 5},
        }
    signals = {
        "text": {"score": 0.91, "threshold": 0.68, "drifted": detected},
        "descriptor:length_tokens": {"score": 0.01, "threshold": 0.13, "drifted": False},
    }
    return {
        "drift_detected": detected,
        "measurable": True,
        "calibrated_rows": 5000,
        "skipped_signals": {"embeddings": "no embedder"},
        "drift_share_threshold": 0.1,
        "n_signals": 2,
        "signals": signals,
        "rows": {
            "reference": 25000,
            "current": 7000,
            "reference_sampled": 5000,
            "current_sampled": 5000,
        },
    }


def test_the_headline_names_the_verdict_and_the_signals_above_their_thresholds():
    assert (
        headline(_summary(True)) == "Drift detected: 1 of 2 signals above their thresholds: text."
    )
    assert headline(_summary(False)).startswith("Drift not detected: 0 of 2 signals")
    assert headline(_summary(None)) == (
        "Drift: too small to measure: 5 rows, the smallest calibrated sample is 50."
    )
    lines = verdict_lines(_summary(True))
    assert "5,000 of 25,000" in lines[1] and "calibrated at 5,000" in lines[1]
    assert "retrain" in lines[-1]


@pytest.mark.parametrize("detected", [True, False, None])
def test_the_header_table_lists_every_signal_with_score_and_threshold(detected):
    page = header_html(_summary(detected))
    assert page.startswith("<section id='drift-verdict'")
    for name, signal in _summary(detected)["signals"].items():
        assert f"<td style='padding:2px 12px'>{name}</td>" in page
        assert f"{signal['threshold']:.3f}" in page
    assert verdict(_summary(detected)) in {"detected", "not detected", "too small"}
    assert ("left out: no embedder" in page) is (detected is not None)


@pytest.fixture(scope="module")
def loud():
    return run_drift(_frame(150, 1), _frame(120, 2, upper=True), params=PARAMS, seed=0)


def test_the_verdict_is_first_in_the_body_and_matches_the_summary(loud):
    assert loud.summary["drift_detected"] is True
    page = report_html(loud.summary, loud.snapshot)
    body = page[page.index("<body") :]
    first = body[body.index(">") + 1 :].lstrip()
    assert first.startswith("<section id='drift-verdict'")
    assert headline(loud.summary) in page
    fired = [n for n, s in loud.summary["signals"].items() if s["drifted"]]
    assert f"{len(fired)} of {loud.summary['n_signals']} signals" in page


def test_no_card_says_detected_for_the_threshold_zero_copy():
    quiet = run_drift(_frame(150, 1), _frame(120, 2), params=PARAMS, seed=0)
    assert quiet.summary["drift_detected"] is False, quiet.summary
    page = report_html(quiet.summary, quiet.snapshot)
    assert EXPLAIN_TITLE.replace("'", "\\u0027") in page or EXPLAIN_TITLE in page
    # the one text card left is the gate's; Evidently's "detected" is said of no column
    assert not re.search(r"Data drift detected", page)
    assert len(re.findall(r"Drift in column 'text'|Drift in column \\u0027text\\u0027", page)) == 1
