"""Evidently's part of a drift check: which metrics, on which columns, run how.

:func:`plan_metrics` lists the metrics of one report in a fixed order (the gate's text metric,
its threshold-0 copy for the characteristic words, each descriptor, the document vectors, the
champion's probability, the champion's quality); :func:`run_report` runs them on the two
:class:`~.sides.Sides` (current first, as Evidently 0.7 wants) with seeded ids and a seeded
embedding picture (:mod:`.evidently_runtime`), so the same inputs give the same bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .evidently_runtime import deterministic_ids, embedding_plot
from .sides import Sides

logger = logging.getLogger(__name__)

TEXT_METHOD = "abs_text_content_drift"
NUMERIC_METHOD = "wasserstein"
#: Evidently stamps each snapshot with a time; a fixed one keeps the JSON output reproducible.
SNAPSHOT_TIME = datetime(2000, 1, 1)
#: the card of the threshold-0 text metric, which would otherwise read "Data drift detected"
EXPLAIN_TITLE = "Characteristic words of 'text' (an explanation, not a drift test)"
EXPLAIN_LABEL = (
    "The words and examples that tell the current reviews from the reference. This card is a "
    "copy of the text metric with threshold 0, kept for this view; the verdict is at the top."
)


@dataclass(frozen=True)
class MetricPlan:
    """The metrics of one report; ``None`` where a signal is left out."""

    text: Any
    explain: Any
    descriptors: dict[str, Any] = field(default_factory=dict)
    embeddings: Any = None
    prediction: Any = None
    classification: bool = False

    def metrics(self) -> list[Any]:
        """In report order (the copy right below the gate's text metric)."""
        listed = [self.text, self.explain, *self.descriptors.values()]
        listed += [self.embeddings, self.prediction]
        if self.classification:
            from evidently.presets import ClassificationPreset

            listed.append(ClassificationPreset())
        return [m for m in listed if m is not None]

    def without_text(self) -> MetricPlan:
        """The plan with both text metrics left out."""
        return replace(self, text=None, explain=None)


def plan_metrics(sides: Sides, thresholds: Mapping[str, Any], explain: bool) -> MetricPlan:
    """The metrics for ``sides`` with the calibrated ``thresholds`` of their size; ``explain``
    adds the threshold-0 copy of the text metric (Evidently draws the characteristic words
    only for a drifted column)."""
    from evidently.metrics import EmbeddingsDrift, ValueDrift
    from evidently.metrics.embeddings import ModelDriftMethod

    def value_drift(column: str, method: str, threshold: float) -> Any:
        return ValueDrift(column=column, method=method, threshold=threshold)

    embeddings = None
    if sides.embedding_columns:
        method = ModelDriftMethod(threshold=thresholds["embeddings"], bootstrap=False)
        embeddings = EmbeddingsDrift(embeddings_name="document_vectors", drift_method=method)
    return MetricPlan(
        text=value_drift("text", TEXT_METHOD, thresholds["text"]),
        explain=value_drift("text", TEXT_METHOD, 0.0) if explain else None,
        descriptors={
            name: value_drift(name, NUMERIC_METHOD, thresholds["descriptors"][name])
            for name in sides.descriptor_names
        },
        embeddings=embeddings,
        prediction=(
            value_drift("proba", NUMERIC_METHOD, thresholds["prediction"])
            if sides.with_proba
            else None
        ),
        classification=sides.both_classes,
    )


def data_definition(sides: Sides) -> Any:
    """Evidently's column roles: text, numbers (descriptors, probability, vectors),
    the embedding set and (with labels of both classes) the classification."""
    from evidently import BinaryClassification, DataDefinition

    numeric = sides.descriptor_names + (["proba"] if sides.with_proba else [])
    emb_cols = sides.embedding_columns
    classification = None
    if sides.both_classes:
        classification = [BinaryClassification(target="label", prediction_probas="proba")]
    return DataDefinition(
        text_columns=["text"],
        numerical_columns=numeric + emb_cols,
        embeddings={"document_vectors": emb_cols} if emb_cols else None,
        classification=classification,
    )


def run_report(
    sides: Sides, plan: MetricPlan, params: Mapping[str, Any], seed: int
) -> tuple[Any, MetricPlan]:
    """``(snapshot, plan it ran)``. Evidently's text classifier prunes words found in (almost)
    every review; a batch of a handful of words repeated leaves none, and the report runs
    again without the text metrics (the other signals still judge the batch)."""
    from evidently import Dataset, Report

    definition = data_definition(sides)
    with embedding_plot(int(params.get("embedding_plot_rows", 500)), seed), deterministic_ids(seed):
        current = Dataset.from_pandas(sides.current, data_definition=definition)
        reference = Dataset.from_pandas(sides.reference, data_definition=definition)
        try:
            snapshot = Report(plan.metrics()).run(current, reference, timestamp=SNAPSHOT_TIME)
        except ValueError as exc:
            if "no terms remain" not in str(exc):
                raise
            logger.warning("drift: text signal left out (%s)", exc)
            plan = plan.without_text()
            snapshot = Report(plan.metrics()).run(current, reference, timestamp=SNAPSHOT_TIME)
    if plan.explain is not None:
        label_explain_card(snapshot, plan.explain)
    return snapshot, plan


def label_explain_card(snapshot: Any, metric: Any) -> None:
    """Retitle the threshold-0 copy's counter card, which says "Data drift detected" whatever
    the verdict: it is the characteristic-words view, and says so."""
    result = snapshot.metric_results[metric.to_calculation().id]
    for widget in result.widget or []:
        counters = (widget.params or {}).get("counters") if widget.type == "counter" else None
        for counter in counters or []:
            counter["value"], counter["label"] = EXPLAIN_TITLE, EXPLAIN_LABEL


def metric_value(snapshot: Any, metric: Any) -> float:
    """The score Evidently computed for ``metric``."""
    return float(snapshot.metric_results[metric.to_calculation().id].value)
