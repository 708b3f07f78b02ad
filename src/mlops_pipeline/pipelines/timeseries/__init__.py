"""Pipeline ``timeseries``: any dated CSV (default: the co2 series of `make data`) -> LSTM vs baselines."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
