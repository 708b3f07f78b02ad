"""Batch scoring of new reviews with the champion: input validation, fast prediction, outputs.

:func:`validate_reviews` splits a user's table into rows that can be scored and rejects with a
reason; :func:`read_reviews` reads CSV, parquet or JSON Lines by suffix (the catalog uses
:class:`mlops_pipeline.datasets.ReviewsFileDataset`); :func:`predict_positive` runs the
model's own ``predict_proba`` on parallel chunks; :func:`score_accepted` builds the
predictions table.
"""

from .batch import (
    PREDICTION_COLUMNS,
    batch_name,
    check_rejects,
    model_version,
    predictions_table,
    run_name,
    score_accepted,
)
from .predict import predict_positive
from .review_files import read_reviews, write_reviews
from .validation import EXPECTED_COLUMNS, REJECT_REASONS, validate_reviews

__all__ = [
    "EXPECTED_COLUMNS",
    "PREDICTION_COLUMNS",
    "REJECT_REASONS",
    "batch_name",
    "check_rejects",
    "model_version",
    "predict_positive",
    "predictions_table",
    "read_reviews",
    "run_name",
    "score_accepted",
    "validate_reviews",
    "write_reviews",
]
