"""Batch scoring of new reviews with the champion: input validation, fast prediction, outputs.

:func:`validate_reviews` splits a user's table into rows that can be scored and rejects with a
reason; :func:`read_reviews` reads CSV, parquet or JSON Lines by suffix (the catalog uses
:class:`mlops_pipeline.datasets.ReviewsFileDataset`).
"""

from .validation import (
    EXPECTED_COLUMNS,
    REJECT_REASONS,
    read_reviews,
    validate_reviews,
    write_reviews,
)

__all__ = [
    "EXPECTED_COLUMNS",
    "REJECT_REASONS",
    "read_reviews",
    "validate_reviews",
    "write_reviews",
]
