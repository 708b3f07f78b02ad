"""Pipeline ``preprocess``: reviews table -> ``text_light`` and lemmatized ``tokens``."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
