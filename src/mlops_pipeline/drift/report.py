"""The drift check of a current batch against a reference, as one Evidently 0.7 report.

Usable outside Kedro: :func:`run_drift` takes two frames (``text`` and optionally the
project's ``tokens``), the drift parameters (the ``drift:`` section of
``conf/base/parameters_drift.yml``), how to read the reviews (:class:`~.sides.TextTools`: the
training vocabulary, the document embedder, a preprocessor) and, optionally, the champion's
scores (:class:`~.sides.ChampionScores`: its probabilities on both sides, labels). It returns
a :class:`DriftResult`: ``summary`` (what ``drift_summary.json`` holds and what retraining
reads) and ``snapshot`` (Evidently's result); :func:`report_html` is the page with the
project's verdict first.

Two steps: **build** — seeded samples of both sides with descriptors, vectors and
probabilities (:mod:`.sides`), one Evidently report (:mod:`.build`); **summarise** — each
signal's score against its calibrated threshold and the verdict (:mod:`.summary`).

Signals (each a score, a threshold and ``drifted = score > threshold``):

* ``text``: Evidently's text drift (a TF-IDF + SGD domain classifier's ROC AUC), raw text;
* ``descriptor:<name>``: normed Wasserstein distance of each project descriptor
  (:mod:`mlops_pipeline.drift.descriptors`);
* ``embeddings``: Evidently's model-based embedding drift (ROC AUC of a classifier telling
  the sides apart) on the project's document vectors;
* ``prediction``: normed Wasserstein distance of the champion's positive-class probability,
  reference = its predictions on held-out ``val`` reviews.

``drift_detected`` is true when the share of drifted signals reaches ``drift_share``.
Thresholds come from parameters and are calibrated on fit-vs-val at several sample sizes
(docs/drift.md): a batch is judged with the thresholds of the largest calibrated size not above
its sampled rows, and a batch smaller than every calibrated size is "too small to measure"
(``measurable: false``, ``drift_detected: null``, no report) instead of firing or passing.
Signals whose inputs are absent are left out (no embedder: no ``embeddings``; no vocabulary:
no ``descriptor:oov_share``; no champion scores: no ``prediction``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .build import plan_metrics, run_report
from .evidently_runtime import deterministic_ids
from .header import with_header
from .sides import ChampionScores, TextTools, build_sides, sample_positions
from .summary import select_thresholds, signals_of, summarise, too_small_summary

logger = logging.getLogger(__name__)


@dataclass
class DriftResult:
    """``summary``: the ``drift_summary.json`` dict; ``snapshot``: Evidently's result."""

    summary: dict[str, Any]
    snapshot: Any
    descriptors: dict[str, pd.DataFrame] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def measurable(self) -> bool:
        """False when the batch was too small for any calibrated threshold (no snapshot)."""
        return bool(self.summary.get("measurable", True))


def _check_frames(reference: pd.DataFrame, current: pd.DataFrame) -> None:
    if "text" not in reference.columns or reference.empty:
        raise ValueError("reference needs a non-empty 'text' column")
    if "text" not in current.columns:
        raise ValueError("current needs a 'text' column")


def run_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    params: Mapping[str, Any],
    seed: int = 0,
    tools: TextTools | None = None,
    champion: ChampionScores | None = None,
    explain_text: bool | None = None,
) -> DriftResult:
    """Compare ``current`` with ``reference`` (``run(current, reference)`` in Evidently's order).

    At most ``params["sample_size"]`` rows per side are compared (seeded). ``explain_text``
    (default ``params["explain_text"]``) adds a second text metric with threshold 0 so the
    report always shows the characteristic words (labelled as such; the verdict reads the
    first one).
    """
    started = time.perf_counter()
    _check_frames(reference, current)
    rows, size = (len(reference), len(current)), int(params["sample_size"])
    positions = (sample_positions(rows[0], size, seed), sample_positions(rows[1], size, seed + 1))
    chosen = select_thresholds(params["thresholds"], len(positions[1]))
    if chosen is None:
        return DriftResult(summary=too_small_summary(*rows, params), snapshot=None)
    calibrated_rows, thresholds = chosen
    tools = tools or TextTools()
    sides = build_sides(reference, current, positions, tools=tools, champion=champion, seed=seed)
    explain = params.get("explain_text", True) if explain_text is None else explain_text
    snapshot, plan = run_report(sides, plan_metrics(sides, thresholds, explain), params, seed)
    signals = signals_of(snapshot, plan, thresholds)
    summary = summarise(signals, sides, calibrated_rows, params, rows)
    seconds = time.perf_counter() - started
    detected = summary["drift_detected"]
    logger.info("drift: %s (drift_detected=%s), %.1f s", summary["reason"], detected, seconds)
    return DriftResult(summary, snapshot, sides.descriptors, seconds)


def report_html(summary: Mapping[str, Any], snapshot: Any) -> str:
    """The standalone HTML of the report: the project's verdict (from ``summary``) first,
    then Evidently's cards (what ``save_html`` writes; every script inlined)."""
    with deterministic_ids(0):
        page = snapshot.get_html_str(as_iframe=False)
    return with_header(page, summary)


def snapshot_dict(snapshot: Any) -> dict[str, Any]:
    """Evidently's JSON of the snapshot as a dict (metrics and tests)."""
    return json.loads(snapshot.json())
