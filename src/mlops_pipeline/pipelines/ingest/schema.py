"""Schema of ``conf/base/parameters_ingest.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from pydantic import Field

from mlops_pipeline.params import StrictModel


class Sample(StrictModel):
    """A seeded, label-stratified slice of the archive: a quick trial on real reviews
    (`--env quick`, conf/quick/parameters_ingest.yml). Folds are assigned on the whole archive
    first, so each sampled review keeps its fold."""

    rows_per_split: int = Field(
        ge=10,
        description=(
            "Reviews kept from each split (train, test, unsup), drawn within each fold x label "
            "stratum in proportion to its size; a smaller split is kept whole."
        ),
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        le=2**32 - 1,
        description="Seed of the draw; null: `common.seed`.",
    )


class Parameters(StrictModel):
    """Pipeline `ingest`: the raw aclImdb archive -> the reviews table with its folds. The seed
    of the fold split is `common.seed`."""

    val_share: float = Field(
        gt=0.0,
        le=0.5,
        description=(
            "Share of the train reviews held out as the `val` fold (label-stratified, grouped "
            "by movie: `round(1 / val_share)` group folds, so at most 0.5)."
        ),
    )
    sample: Sample | None = Field(
        default=None,
        description=(
            "null (the default): every review of the archive. A section: only a seeded, "
            "label-stratified slice of each split (`--env quick`)."
        ),
    )
