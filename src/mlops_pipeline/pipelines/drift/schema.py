"""Schema of ``conf/base/parameters_drift.yml`` (see :mod:`mlops_pipeline.params`).

The ``drift:`` section is also what :func:`mlops_pipeline.drift.run_drift` reads, so ``score``
(and any caller outside Kedro) uses the same thresholds. Thresholds are calibrated on
fit-vs-val (docs/drift.md, ``benchmarks/drift_calibration.py``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlops_pipeline.params import StrictModel


class DescriptorThresholds(StrictModel):
    """Normed Wasserstein distance above which a descriptor has drifted."""

    length_tokens: float = Field(gt=0, description="Tokens per review.")
    oov_share: float = Field(gt=0, description="Share of tokens outside the training vocabulary.")
    non_letter_share: float = Field(gt=0, description="Share of non-letter characters.")
    html_residue: float = Field(gt=0, description="HTML tags and entities per review.")
    exclaim_question: float = Field(gt=0, description="`!` and `?` per 1,000 characters.")
    uppercase_share: float = Field(gt=0, description="Share of uppercase letters.")


class Thresholds(StrictModel):
    """Per-signal thresholds: a signal has drifted when its score exceeds its threshold."""

    text: float = Field(
        gt=0.5, lt=1.0, description="ROC AUC of Evidently's text domain classifier."
    )
    embeddings: float = Field(
        gt=0.5, lt=1.0, description="ROC AUC of the classifier on the document vectors."
    )
    prediction: float = Field(
        gt=0, description="Normed Wasserstein distance of the champion's probability."
    )
    descriptors: DescriptorThresholds


class Calibration(StrictModel):
    """How ``benchmarks/drift_calibration.py`` sets the thresholds (fit vs val only)."""

    seeds: list[int] = Field(min_length=2, description="Seeds of the fit-vs-val draws.")
    sizes: list[int] = Field(
        min_length=1,
        description="Current-side sample sizes calibrated (the reference keeps `sample_size`); "
        "one threshold set each.",
    )
    margin: float = Field(
        ge=0,
        description="Threshold = max over seeds + margin x (max - min) of the fit-vs-val scores.",
    )


class Parameters(StrictModel):
    """Pipeline ``drift``: the test split against the training reviews, and its gate."""

    reference_folds: list[Literal["fit", "val", "unsup"]] = Field(
        min_length=1, description="Folds of the reviews table that form the reference."
    )
    current_folds: list[Literal["fit", "val", "test", "unsup"]] = Field(
        min_length=1, description="Folds that form the current batch."
    )
    sample_size: int = Field(
        ge=100, description="Rows per side compared (seeded with `common.seed`)."
    )
    drift_share: float = Field(
        gt=0,
        le=1,
        description="`drift_detected` when at least this share of the signals drifted.",
    )
    oov_vocabulary_size: int = Field(
        ge=100,
        description="`oov_share` counts tokens outside this many most frequent words of the "
        "training vocabulary (frequent words: a review's own rare words never decide it).",
    )
    embedding_plot_rows: int = Field(
        default=500,
        ge=50,
        description="Rows per side in the report's embedding picture (a seeded PCA replaces "
        "Evidently's t-SNE; the drift score uses every sampled row).",
    )
    explain_text: bool = Field(
        default=True,
        description="Add a text metric with threshold 0 so the report always shows the "
        "characteristic words (the gate reads the calibrated one).",
    )
    thresholds: dict[int, Thresholds] = Field(
        min_length=1,
        description="Thresholds per calibrated sample size: a batch uses the set of the largest "
        "size not above its sampled rows; below the smallest it is too small to measure.",
    )
    calibration: Calibration
