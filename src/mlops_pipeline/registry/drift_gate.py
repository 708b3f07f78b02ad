"""The drift gate of retraining: do the new batches' texts look like the champion's reference?

Three per-review statistics that the usual batch defects move — word count (truncated or
padded reviews), share of uppercase letters (case stripped) and share of punctuation characters
(punctuation stripped) — are compared between the reference and the pooled new batches with a
two-sample Kolmogorov-Smirnov test. A signal drifts when its p-value is below ``alpha`` AND its
KS statistic is at least ``min_statistic`` (with thousands of rows every tiny difference is
"significant"; the effect size keeps a fresh sample of the same population quiet). Drift is
detected when the share of drifted signals reaches ``min_drifted_share``. Cheap and
deterministic; the full report (Evidently, per-feature) is the ``drift`` pipeline's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import ks_2samp

_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_PUNCT = re.compile(r"[^\w\s]")


def text_statistics(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Per-review ``words``, ``uppercase_share``, ``punctuation_share``."""
    words, upper, punct = [], [], []
    for text in texts:
        letters = len(_LETTER.findall(text))
        words.append(len(text.split()))
        upper.append(len(_UPPER.findall(text)) / letters if letters else 0.0)
        punct.append(len(_PUNCT.findall(text)) / max(len(text), 1))
    return {
        "words": np.asarray(words, dtype=float),
        "uppercase_share": np.asarray(upper, dtype=float),
        "punctuation_share": np.asarray(punct, dtype=float),
    }


def detect_drift(
    reference: Sequence[str], current: Sequence[str], params: dict[str, Any]
) -> dict[str, Any]:
    """``{drift_detected, drifted_share, signals: {name: {statistic, p_value, drifted}}}``."""
    if not len(current):
        return {"drift_detected": False, "drifted_share": 0.0, "signals": {}, "rows": 0}
    ref, cur = text_statistics(reference), text_statistics(current)
    signals = {}
    for name in ref:
        result = ks_2samp(ref[name], cur[name])
        drifted = bool(
            result.pvalue < params["alpha"] and result.statistic >= params["min_statistic"]
        )
        signals[name] = {
            "statistic": round(float(result.statistic), 4),
            "p_value": float(f"{result.pvalue:.3g}"),
            "reference_mean": round(float(ref[name].mean()), 4),
            "current_mean": round(float(cur[name].mean()), 4),
            "drifted": drifted,
        }
    share = sum(s["drifted"] for s in signals.values()) / len(signals)
    return {
        "drift_detected": bool(share >= params["min_drifted_share"]),
        "drifted_share": round(share, 4),
        "signals": signals,
        "rows": len(current),
    }
