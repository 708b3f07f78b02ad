"""Schema of ``conf/base/parameters_train_ensemble.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlops_pipeline.params import StrictModel


class ShortRoute(StrictModel):
    """Length-aware routing (issue 26): inputs of at most `max_words` words go to one model."""

    enabled: bool = Field(default=False, description="Choose and serve a short-text route.")
    candidates: list[str] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Route models considered (classical or LSTM ids with val predictions; not BERT: "
            "too slow); null = the ensemble's members. The one with the best val "
            "first-sentence accuracy (trained on fit) is the route."
        ),
    )
    max_words_grid: list[int] = Field(
        default=[10, 15, 20, 30, 40, 60],
        description="Thresholds tried on val (0 = off is always tried).",
    )
    max_drop: float = Field(
        default=0.001,
        ge=0.0,
        le=1.0,
        description="Largest fall of whole-review val accuracy a threshold may cost.",
    )


class Parameters(StrictModel):
    """Pipeline `train_ensemble`: members chosen greedily on a cross-fitted val score, a combiner
    fitted on their val predictions, saved with copies of its members to
    `data/06_models/train_ensemble/<model_id>/`."""

    model_id: str = Field(
        default="ensemble", min_length=1, description="Folder / leaderboard name."
    )
    candidates: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Model ids that may join; null = every model with validation predictions.",
    )
    min_val_coverage: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description=(
            "Leave out candidates that predicted a smaller share of `val` (e.g. a model scored "
            "on a subset); the combiner uses the val rows every remaining candidate predicted."
        ),
    )
    combiner: Literal["logit_mean", "mean", "stacking"] = Field(
        default="logit_mean",
        description=(
            "`logit_mean`: sigmoid of a weighted mean of logits; `mean`: weighted mean of "
            "probabilities (both: weights >= 0 summing to 1, fitted by log loss; one member = "
            "that member); `stacking`: logistic regression on the logits."
        ),
    )
    C: float = Field(default=1.0, gt=0, description="Inverse regularisation of `stacking`.")
    max_members: int = Field(default=4, ge=1, description="Most members greedy selection adds.")
    min_gain: float = Field(
        default=0.0,
        ge=0.0,
        description="A member joins only if the cross-fitted criterion improves by more than this.",
    )
    selection_metric: Literal["log_loss", "accuracy"] = Field(
        default="log_loss", description="Cross-fitted criterion of the greedy member selection."
    )
    cv_folds: int = Field(
        default=5,
        ge=2,
        description="Folds of the cross-fitting (label-stratified, a movie's reviews in one fold).",
    )
    short_route: ShortRoute = Field(
        default_factory=ShortRoute,
        description="Short inputs predicted by one route model, chosen on val (issue 26).",
    )
