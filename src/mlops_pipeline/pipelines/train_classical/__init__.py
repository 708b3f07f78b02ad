"""Pipeline ``train_classical``: LR, calibrated linear SVM, NB and NB-SVM over cached features."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
