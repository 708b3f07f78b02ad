"""Pipeline ``embeddings``: Word2Vec / FastText and document vectors per fold."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
