"""Pipeline ``train_lstm``: a Word2Vec-initialised (Bi)LSTM sentiment classifier."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
