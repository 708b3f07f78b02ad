"""Schema of ``conf/base/parameters_ingest.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from pydantic import Field

from mlops_pipeline.params import StrictModel


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
