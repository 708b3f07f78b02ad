"""Pipeline ``drift``: an Evidently report of the test split (current) against the training
reviews (reference), plus the ``drift_summary.json`` retraining reads."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
