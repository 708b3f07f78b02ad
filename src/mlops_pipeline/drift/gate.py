"""The callers' doors into :func:`~mlops_pipeline.drift.report.run_drift`.

* :func:`champion_drift` — every signal, the champion's included: the ``drift`` stage and
  ``score`` (a :class:`DriftSetup` from :func:`drift_setup`, a node of both pipelines).
* :func:`gate_drift` — texts only (no champion probabilities yet): the retrain pipeline and
  the Airflow gate (``python -m mlops_pipeline.registry gate``), with the text, descriptor and
  (given the embedder) embedding signals.

All use the same calibrated, size-dependent thresholds; a batch smaller than the smallest
calibrated sample is "too small to measure" (``measurable: false``): it neither fires nor
passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .reference import frequent_vocabulary
from .report import DriftResult, run_drift
from .sides import ChampionScores, TextTools


@dataclass(frozen=True)
class DriftSetup:
    """What a champion-aware drift check compares a batch with, and how: the reference
    reviews (``text``, ``tokens``), the champion's ``val`` predictions with their labels
    (``review_id, proba, label``), the document embedder, the ``drift:`` parameters, the seed."""

    reference: pd.DataFrame
    champion_val: pd.DataFrame
    embedder: Any
    params: Mapping[str, Any]
    seed: int


def drift_setup(
    reference: pd.DataFrame,
    champion_val: pd.DataFrame,
    reviews: pd.DataFrame,
    embedder: Any,
    params: Mapping[str, Any],
    seed: int,
) -> DriftSetup:
    """The :class:`DriftSetup` of the champion (``champion_val``: ``review_id, proba``; its
    labels from ``reviews``)."""
    val = champion_val.merge(reviews[["review_id", "label"]], on="review_id", how="left")
    return DriftSetup(reference, val, embedder, params, int(seed))


def champion_drift(
    setup: DriftSetup, current: pd.DataFrame, current_proba: Any, preprocessor: Any = None
) -> DriftResult:
    """Every signal: ``current`` against the reference reviews, the champion's probabilities
    on ``current`` against its ``val`` predictions. Labels of ``current`` add the champion's
    quality when every row has one. The ``drift`` stage and ``score`` both call this."""
    labelled = "label" in current and current["label"].notna().all()
    champion = ChampionScores(
        reference_proba=setup.champion_val["proba"].to_numpy(),
        current_proba=np.asarray(current_proba),
        reference_labels=setup.champion_val["label"].to_numpy(),
        current_labels=current["label"].to_numpy() if labelled else None,
    )
    vocabulary = frequent_vocabulary(setup.embedder, setup.params["oov_vocabulary_size"])
    tools = TextTools(vocabulary=vocabulary, embedder=setup.embedder, preprocessor=preprocessor)
    return run_drift(
        setup.reference,
        current,
        params=setup.params,
        seed=setup.seed,
        tools=tools,
        champion=champion,
    )


def gate_drift(
    reference: pd.DataFrame,
    batch_texts: Sequence[str],
    params: Mapping[str, Any],
    *,
    seed: int,
    preprocessor: Any,
    embedder: Any = None,
) -> DriftResult:
    """The batch's texts against ``reference`` (``text`` and ``tokens`` columns).

    ``params`` is the ``drift:`` section (thresholds, sample size, share); ``preprocessor``
    tokenizes the batch as the champion's preprocessing does; ``embedder`` (the project's
    document embedder) adds the ``embeddings`` signal and the ``oov_share`` vocabulary.
    """
    current = pd.DataFrame({"text": [str(t) for t in batch_texts]})
    vocabulary = (
        None if embedder is None else frequent_vocabulary(embedder, params["oov_vocabulary_size"])
    )
    tools = TextTools(vocabulary=vocabulary, embedder=embedder, preprocessor=preprocessor)
    return run_drift(reference, current, params=params, seed=seed, tools=tools)
