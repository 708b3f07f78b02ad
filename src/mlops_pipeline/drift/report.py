"""The drift check of a current batch against a reference, as one Evidently 0.7 report.

Usable outside Kedro: :func:`run_drift` takes two frames (``text`` and optionally the
project's ``tokens``), the drift parameters (the ``drift:`` section of
``conf/base/parameters_drift.yml``), and optional pieces — the training vocabulary, the
document embedder, the champion's probabilities on both sides, the current labels. It
returns a :class:`DriftResult`: ``summary`` (what ``drift_summary.json`` holds and what
retraining reads) and ``snapshot`` (Evidently's result: ``save_html``/``json``).

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
no ``descriptor:oov_share``; no probabilities: no ``prediction``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from mlops_pipeline.metrics import classification_metrics

from .descriptors import DESCRIPTORS, compute_descriptors
from .evidently_runtime import deterministic_ids, embedding_plot

logger = logging.getLogger(__name__)

SUMMARY_KEYS = (
    "drift_detected",
    "measurable",
    "reason",
    "calibrated_rows",
    "skipped_signals",
    "drifted_share",
    "drift_share_threshold",
    "n_signals",
    "n_drifted",
    "signals",
    "rows",
    "quality",
)
TEXT_METHOD = "abs_text_content_drift"
NUMERIC_METHOD = "wasserstein"
#: Evidently stamps each snapshot with a time; a fixed one keeps the JSON output reproducible.
SNAPSHOT_TIME = datetime(2000, 1, 1)


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


def select_thresholds(
    thresholds: Mapping[Any, Mapping[str, Any]], rows: int
) -> tuple[int, Mapping[str, Any]] | None:
    """``(size, thresholds)`` calibrated for the largest sample size ``<= rows``; ``None``
    when ``rows`` is below every calibrated size (too small to measure).

    Scores of a same-population batch shrink as the batch grows, so thresholds calibrated on a
    smaller sample than the batch are conservative (higher), never too low.
    """
    sizes = sorted(int(k) for k in thresholds)
    if not sizes:
        raise ValueError("drift.thresholds is empty: run benchmarks/drift_calibration.py --write")
    fitting = [size for size in sizes if size <= rows]
    if not fitting:
        return None
    size = fitting[-1]
    by_int = {int(k): v for k, v in thresholds.items()}
    return size, by_int[size]


def _too_small(n_reference: int, n_current: int, params: Mapping[str, Any]) -> DriftResult:
    smallest = min(int(k) for k in params["thresholds"])
    reason = f"too small to measure: {n_current} rows, the smallest calibrated sample is {smallest}"
    logger.warning("drift: %s", reason)
    summary = {
        "drift_detected": None,
        "measurable": False,
        "reason": reason,
        "calibrated_rows": None,
        "skipped_signals": {},
        "drifted_share": None,
        "drift_share_threshold": float(params["drift_share"]),
        "n_signals": 0,
        "n_drifted": 0,
        "signals": {},
        "rows": {"reference": n_reference, "current": n_current},
        "quality": None,
    }
    return DriftResult(summary=summary, snapshot=None)


def _sample_positions(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample of ``min(n, size)`` rows (all rows when smaller)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _tokens(frame: pd.DataFrame, preprocessor: Any, n_process: int) -> list[list[str]]:
    if "tokens" in frame.columns:
        return [list(t) for t in frame["tokens"]]
    if preprocessor is None:
        raise ValueError("frames without a 'tokens' column need a preprocessor")
    return preprocessor.tokens(list(frame["text"]), n_process=n_process)


def _side(
    frame: pd.DataFrame,
    positions: np.ndarray,
    *,
    vocabulary: pd.Index | None,
    embedder: Any,
    preprocessor: Any,
    n_process: int,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The Evidently frame of one side: text, descriptors, embedding columns."""
    rows = frame.iloc[positions].reset_index(drop=True)
    texts = rows["text"].astype(str).tolist()
    tokens = _tokens(rows, preprocessor, n_process)
    desc = compute_descriptors(texts, tokens, vocabulary)
    out = pd.concat([pd.DataFrame({"text": texts}), desc], axis=1)
    emb_cols: list[str] = []
    if embedder is not None:
        vectors = embedder.transform(tokens)
        emb_cols = [f"emb_{i:03d}" for i in range(vectors.shape[1])]
        out = pd.concat([out, pd.DataFrame(vectors.astype(np.float64), columns=emb_cols)], axis=1)
    return out, desc, emb_cols


def _proba_block(
    proba: np.ndarray | None, labels: np.ndarray | None, size: int, seed: int
) -> pd.DataFrame | None:
    """A seeded sample of ``size`` probabilities (with their labels, when known)."""
    if proba is None:
        return None
    proba = np.asarray(proba, dtype=np.float64)
    pos = _sample_positions(len(proba), size, seed)
    block = pd.DataFrame({"proba": proba[pos]})
    if labels is not None:
        block["label"] = np.asarray(labels)[pos].astype(np.int64)
    return block


def _signal(score: float, threshold: float) -> dict[str, Any]:
    score = float(score)
    return {"score": round(score, 6), "threshold": float(threshold), "drifted": score > threshold}


def _metric_value(snapshot: Any, metric: Any) -> float:
    result = snapshot.metric_results[metric.to_calculation().id]
    return float(result.value)


def _quality(proba: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """The champion's accuracy / ROC AUC / rows on one side (the project's metrics function)."""
    scores = classification_metrics(labels, proba)
    return {key: scores[key] for key in ("accuracy", "roc_auc", "rows")}


def run_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    params: Mapping[str, Any],
    seed: int = 0,
    vocabulary: Sequence[str] | pd.Index | None = None,
    embedder: Any = None,
    preprocessor: Any = None,
    reference_proba: np.ndarray | None = None,
    reference_labels: np.ndarray | None = None,
    current_proba: np.ndarray | None = None,
    current_labels: np.ndarray | None = None,
    n_process: int = 1,
    explain_text: bool | None = None,
) -> DriftResult:
    """Compare ``current`` with ``reference`` (``run(current, reference)`` in Evidently's order).

    Frames need ``text``; ``tokens`` (the project's preprocessed tokens) are used when present,
    else ``preprocessor.tokens`` runs on the sampled rows only. At most
    ``params["sample_size"]`` rows per side are compared (seeded). ``reference_proba`` is
    the champion's probability on held-out reviews (``val``), ``current_proba`` on the
    current rows (same order as ``current``); ``current_labels`` (same order) add the
    champion's classification quality on the batch. ``explain_text`` (default
    ``params["explain_text"]``) adds a second text metric with threshold 0 so Evidently always
    renders the characteristic words and examples (it only does for a drifted column); the
    gate reads the first one.
    """
    from evidently import DataDefinition, Dataset, Report
    from evidently.metrics import EmbeddingsDrift, ValueDrift
    from evidently.metrics.embeddings import ModelDriftMethod

    started = time.perf_counter()
    if "text" not in reference.columns or reference.empty:
        raise ValueError("reference needs a non-empty 'text' column")
    if "text" not in current.columns:
        raise ValueError("current needs a 'text' column")
    size = int(params["sample_size"])
    vocab = None if vocabulary is None else pd.Index(vocabulary)
    ref_pos = _sample_positions(len(reference), size, seed)
    cur_pos = _sample_positions(len(current), size, seed + 1)
    chosen = select_thresholds(params["thresholds"], len(cur_pos))
    if chosen is None:
        return _too_small(int(len(reference)), int(len(current)), params)
    calibrated_rows, thresholds = chosen
    descriptors = [d for d in DESCRIPTORS if vocab is not None or d != "oov_share"]
    n_ref = len(ref_pos)
    if reference_proba is not None and current_proba is not None:
        n_ref = min(n_ref, len(reference_proba))
        ref_pos = ref_pos[:n_ref]
    kw = {"vocabulary": vocab, "embedder": embedder, "preprocessor": preprocessor}
    ref_df, ref_desc, emb_cols = _side(reference, ref_pos, n_process=n_process, **kw)
    cur_df, cur_desc, _ = _side(current, cur_pos, n_process=n_process, **kw)

    with_proba = reference_proba is not None and current_proba is not None
    with_quality = False
    if with_proba:
        ref_block = _proba_block(reference_proba, reference_labels, n_ref, seed + 2)
        cur_proba = np.asarray(current_proba, dtype=np.float64)[cur_pos]
        cur_block = pd.DataFrame({"proba": cur_proba})
        if current_labels is not None and reference_labels is not None:
            labels = pd.Series(np.asarray(current_labels, dtype=object)[cur_pos])
            if labels.notna().all():
                cur_block["label"] = labels.astype(np.int64).to_numpy()
                with_quality = True
        if not with_quality:
            ref_block = ref_block.drop(columns=["label"], errors="ignore")
        ref_df = pd.concat([ref_df, ref_block], axis=1)
        cur_df = pd.concat([cur_df, cur_block], axis=1)

    numeric = descriptors + (["proba"] if with_proba else [])
    classification = None
    if with_quality and all(df["label"].nunique() == 2 for df in (ref_df, cur_df)):
        from evidently import BinaryClassification

        classification = [BinaryClassification(target="label", prediction_probas="proba")]
    definition = DataDefinition(
        text_columns=["text"],
        numerical_columns=numeric + emb_cols,
        embeddings={"document_vectors": emb_cols} if emb_cols else None,
        classification=classification,
    )

    text_metric = ValueDrift(column="text", method=TEXT_METHOD, threshold=thresholds["text"])
    metrics: list[Any] = [text_metric]
    explain = params.get("explain_text", True) if explain_text is None else explain_text
    if explain:  # right below the gate's text metric: the characteristic words and examples
        metrics.append(ValueDrift(column="text", method=TEXT_METHOD, threshold=0.0))
    descriptor_metrics = {
        name: ValueDrift(
            column=name, method=NUMERIC_METHOD, threshold=thresholds["descriptors"][name]
        )
        for name in descriptors
    }
    metrics.extend(descriptor_metrics.values())
    emb_metric = None
    if emb_cols:
        emb_metric = EmbeddingsDrift(
            embeddings_name="document_vectors",
            drift_method=ModelDriftMethod(threshold=thresholds["embeddings"], bootstrap=False),
        )
        metrics.append(emb_metric)
    proba_metric = None
    if with_proba:
        proba_metric = ValueDrift(
            column="proba", method=NUMERIC_METHOD, threshold=thresholds["prediction"]
        )
        metrics.append(proba_metric)
    both_classes = with_quality and all(
        df["label"].nunique() == 2 for df in (ref_df, cur_df)
    )  # Evidently's per-class quality fails on a one-class batch; the summary still has it
    if both_classes:
        from evidently.presets import ClassificationPreset

        metrics.append(ClassificationPreset())

    text_metrics = metrics[: 2 if explain else 1]
    with (
        embedding_plot(int(params.get("embedding_plot_rows", 500)), seed),
        deterministic_ids(seed),
    ):
        current_ds = Dataset.from_pandas(cur_df, data_definition=definition)
        reference_ds = Dataset.from_pandas(ref_df, data_definition=definition)
        try:
            snapshot = Report(metrics).run(current_ds, reference_ds, timestamp=SNAPSHOT_TIME)
        except ValueError as exc:
            # Evidently's text classifier prunes words found in (almost) every review; a batch
            # of a handful of words repeated leaves none. No words to tell apart: the text
            # signal is left out (said in `skipped`), the other signals still judge the batch.
            if "no terms remain" not in str(exc):
                raise
            logger.warning("drift: text signal left out (%s)", exc)
            metrics = [m for m in metrics if m not in text_metrics]
            text_metric = None
            snapshot = Report(metrics).run(current_ds, reference_ds, timestamp=SNAPSHOT_TIME)

    signals: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    if text_metric is not None:
        signals["text"] = _signal(_metric_value(snapshot, text_metric), thresholds["text"])
    else:
        skipped["text"] = "no word tells the sides apart (every word in almost every review)"
    for name, metric in descriptor_metrics.items():
        signals[f"descriptor:{name}"] = _signal(
            _metric_value(snapshot, metric), thresholds["descriptors"][name]
        )
    if emb_metric is not None:
        signals["embeddings"] = _signal(
            _metric_value(snapshot, emb_metric), thresholds["embeddings"]
        )
    if proba_metric is not None:
        signals["prediction"] = _signal(
            _metric_value(snapshot, proba_metric), thresholds["prediction"]
        )
    n_drifted = sum(s["drifted"] for s in signals.values())
    share = n_drifted / len(signals)
    quality = None
    if with_quality:
        quality = {
            "reference": _quality(ref_df["proba"].to_numpy(), ref_df["label"].to_numpy()),
            "current": _quality(cur_df["proba"].to_numpy(), cur_df["label"].to_numpy()),
        }
    detected = bool(share >= float(params["drift_share"]))
    summary = {
        "drift_detected": detected,
        "measurable": True,
        "reason": (
            f"{n_drifted} of {len(signals)} signals drifted (drift from a share of "
            f"{float(params['drift_share'])}); {len(cur_df)} current vs {len(ref_df)} reference "
            f"rows, thresholds calibrated at {calibrated_rows} rows"
        ),
        "calibrated_rows": calibrated_rows,
        "skipped_signals": skipped,
        "drifted_share": round(share, 6),
        "drift_share_threshold": float(params["drift_share"]),
        "n_signals": len(signals),
        "n_drifted": int(n_drifted),
        "signals": signals,
        "rows": {
            "reference": int(len(reference)),
            "current": int(len(current)),
            "reference_sampled": int(len(ref_df)),
            "current_sampled": int(len(cur_df)),
        },
        "quality": quality,
    }
    seconds = time.perf_counter() - started
    logger.info(
        "drift: %d of %d signals drifted (share %.3f, drift_detected=%s) on %d vs %d rows, %.1f s",
        n_drifted,
        len(signals),
        share,
        summary["drift_detected"],
        len(ref_df),
        len(cur_df),
        seconds,
    )
    return DriftResult(
        summary=summary,
        snapshot=snapshot,
        descriptors={"reference": ref_desc, "current": cur_desc},
        seconds=seconds,
    )


def snapshot_html(snapshot: Any) -> str:
    """The standalone HTML of an Evidently 0.7 snapshot (what ``save_html`` writes)."""
    with deterministic_ids(0):
        return snapshot.get_html_str(as_iframe=False)


def snapshot_dict(snapshot: Any) -> dict[str, Any]:
    """Evidently's JSON of the snapshot as a dict (metrics and tests)."""
    import json

    return json.loads(snapshot.json())
