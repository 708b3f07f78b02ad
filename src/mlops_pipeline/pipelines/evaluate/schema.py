"""Schema of ``conf/base/parameters_evaluate.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from pydantic import Field

from mlops_pipeline.params import StrictModel


class TestSubset(StrictModel):
    """The fixed test subset shared by subset-scored models and every model's `subset_accuracy`."""

    size: int | None = Field(
        ge=1, description="Test reviews (label-stratified, `common.seed`); null = all of test."
    )


class Parameters(StrictModel):
    """Pipeline `evaluate`: every model of the training pipelines scored once on `test`."""

    latency_reviews: int = Field(
        ge=1, description="Raw test reviews timed one at a time (median / p95 latency in ms)."
    )
    throughput_reviews: int = Field(
        ge=1, description="Raw test reviews scored in one batch (throughput, reviews/s)."
    )
    throughput_seconds: float = Field(
        default=15.0,
        gt=0,
        description="Rough time budget of one model's throughput batch: a slow model (BERT on "
        "CPU) is timed on fewer reviews (its latency sets how many; at least `latency_reviews`).",
    )
    curve_points: int = Field(
        ge=2, description="ROC / precision-recall points kept per model (small committed files)."
    )
    top_features: int = Field(
        ge=1, description="Most positive / negative features listed per linear n-gram model."
    )
    test_subset: TestSubset = Field(
        description="Subset-scored models (card `test_scoring: subset`, BERT on CPU) are scored "
        "on it; every model also reports `subset_accuracy` on the same reviews."
    )
