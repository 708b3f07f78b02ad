"""Pipeline ``train_bert``: a pre-trained transformer encoder fine-tuned for sentiment."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
