"""Pipeline ``retrain``: drift-gated champion/challenger retraining (operational, not a DVC
stage; reads and writes the MLflow registry). See docs/registry.md."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
