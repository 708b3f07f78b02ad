"""Pipeline ``train_ensemble``: a validated ensemble of the other training pipelines' models."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
