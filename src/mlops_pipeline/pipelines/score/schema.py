"""Schema of ``conf/base/parameters_score.yml`` (see :mod:`mlops_pipeline.params`)."""

from __future__ import annotations

from pydantic import Field

from mlops_pipeline.params import StrictModel


class Parameters(StrictModel):
    """Pipeline ``score``: one file of new reviews scored with the champion (docs/scoring.md)."""

    input: str = Field(
        min_length=1,
        description="The batch: CSV, parquet or JSON Lines with `id`, `text` (optional "
        "`label`). Set per run: `kedro run --pipelines score --params score.input=<path>`; "
        "each run writes new folders `<file name without suffix>-<sha256[:8]>-<UTC time>`.",
    )
    max_chars: int = Field(
        default=100_000, ge=1, description="Longer texts are rejected (`too_long`)."
    )
    max_reject_share: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="The run fails when more than this share of the rows is rejected.",
    )
    require_label: bool = Field(
        default=False, description="Reject rows without a 0/1 `label` (`missing_label`)."
    )
    n_process: int = Field(
        default=2, ge=-1, description="Worker processes for prediction (-1: every core)."
    )
    chunk_size: int = Field(default=1000, ge=1, description="Reviews per worker task.")
    dask_scheduler: str | None = Field(
        default=None,
        description="A Dask scheduler address (`tcp://host:8786`): the chunks are predicted "
        "on that cluster (same probabilities; `n_process` is then unused). null: locally.",
    )
    drift_report: bool = Field(
        default=True,
        description="Write a drift report of the batch against the champion's reference "
        "(thresholds from `drift.thresholds`).",
    )
