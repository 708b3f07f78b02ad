"""Pipeline ``features``: Bag-of-Words and TF-IDF matrices per fold, and their vectorizers."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
