"""Pipeline ``score`` (operational, not a DVC stage): batch-score a file of new reviews with
the champion; predictions, rejects and a drift report per batch."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
