"""The drift gate: do new batches look like the champion's training reviews?

One function for the retrain pipeline and the Airflow gate (``python -m mlops_pipeline.registry
gate``), both of which see texts only (no champion probabilities yet): :func:`gate_drift` runs
:func:`~mlops_pipeline.drift.report.run_drift` with the text, descriptor and (given the
embedder) embedding signals, with the same calibrated, size-dependent thresholds as the
``drift`` stage and ``score``. A batch smaller than the smallest calibrated sample is "too small
to measure" (``measurable: false``): it neither fires nor passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .reference import frequent_vocabulary
from .report import DriftResult, run_drift


def champion_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    params: Mapping[str, Any],
    *,
    seed: int,
    embedder: Any,
    champion_val: pd.DataFrame,
    reviews: pd.DataFrame,
    current_proba: Any,
    preprocessor: Any = None,
) -> DriftResult:
    """Every signal, the champion's included: ``current`` against the training reviews, the
    champion's probabilities on ``current`` against its ``val`` predictions (``champion_val``:
    ``review_id, proba``; labels from ``reviews``). Labels of ``current`` add the champion's
    quality when every row has one. The ``drift`` stage and ``score`` both call this."""
    val = champion_val.merge(reviews[["review_id", "label"]], on="review_id", how="left")
    labelled = "label" in current and current["label"].notna().all()
    return run_drift(
        reference,
        current,
        params=params,
        seed=seed,
        vocabulary=frequent_vocabulary(embedder, params["oov_vocabulary_size"]),
        embedder=embedder,
        preprocessor=preprocessor,
        reference_proba=val["proba"].to_numpy(),
        reference_labels=val["label"].to_numpy(),
        current_proba=current_proba,
        current_labels=current["label"].to_numpy() if labelled else None,
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
    return run_drift(
        reference,
        current,
        params=params,
        seed=seed,
        vocabulary=vocabulary,
        embedder=embedder,
        preprocessor=preprocessor,
    )
