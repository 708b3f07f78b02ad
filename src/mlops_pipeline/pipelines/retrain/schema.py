"""Schema of ``conf/base/parameters_retrain.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from mlops_pipeline.params import StrictModel


class Batches(StrictModel):
    """Folders of labelled batches (CSV, parquet or JSON Lines with id, text, label)."""

    incoming: str = Field(description="New batches arrive here.")
    accepted: str = Field(description="Validated batches move here (`dvc add` it).")
    quarantine: str = Field(description="Failing batches move here with `<file>.reason.json`.")


class Trigger(StrictModel):
    """When a challenger is trained."""

    on_drift: bool = Field(default=True, description="Retrain when the drift gate fires.")
    scheduled: bool = Field(
        default=False, description="Retrain because the schedule says so (the weekly DAG)."
    )
    force: bool = Field(default=False, description="Retrain whatever the gate says.")


class Drift(StrictModel):
    """The drift gate's reference; its signals and thresholds are the `drift:` section's."""

    reference_rows: int = Field(
        default=5000, ge=10, description="Training reviews sampled as the gate's reference."
    )
    report_dir: str | None = Field(
        default=None,
        description="Folder of the gate's Evidently reports (one HTML per set of batches).",
    )


class Challenger(StrictModel):
    """The family the challenger trains (classical: fast on 2 cores)."""

    family: Literal["logreg", "linear_svm", "mnb", "nbsvm"] = Field(description="Estimator.")
    features: Literal["bow", "tfidf"] = Field(description="Vectorizer fitted on the train rows.")
    vectorizer: dict[str, Any] = Field(default_factory=dict, description="Vectorizer params.")
    params: dict[str, Any] = Field(default_factory=dict, description="Estimator params.")


class Promotion(StrictModel):
    """The rule that promotes a challenger (scores on the frozen holdout)."""

    metric: Literal["accuracy", "roc_auc", "f1"] = Field(description="Metric that must improve.")
    min_delta: float = Field(ge=0, description="Required gain on `metric`.")
    other_metrics: list[Literal["accuracy", "roc_auc", "f1"]] = Field(
        default_factory=list, description="Metrics that must not get worse than `tolerance`."
    )
    tolerance: float = Field(default=0.0, ge=0, description="Allowed loss on other metrics.")


class Holdout(StrictModel):
    """The frozen holdout: a fixed subset of the test fold (neither model trains on it)."""

    rows: int = Field(ge=10, description="Rows, chosen by a hash of review_id (frozen).")


class Parameters(StrictModel):
    """Pipeline `retrain`: intake, drift gate, challenger, promotion (docs/registry.md)."""

    batches: Batches = Field(description="Batch folders.")
    decision_log: str = Field(description="JSON Lines decision log.")
    dvc_add_accepted: bool = Field(
        default=True, description="`dvc add` the accepted folder each run (versions the data)."
    )
    max_chars: int = Field(default=100000, ge=1, description="Longest accepted review.")
    trigger: Trigger = Field(default_factory=Trigger, description="When to retrain.")
    drift: Drift = Field(default_factory=Drift, description="Drift gate.")
    challenger: Challenger = Field(description="Challenger family.")
    promotion: Promotion = Field(description="Promotion rule.")
    holdout: Holdout = Field(description="Frozen holdout.")
