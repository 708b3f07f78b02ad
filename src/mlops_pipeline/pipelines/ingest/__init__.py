"""Pipeline ``ingest``: raw aclImdb release -> validated reviews table with folds."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
