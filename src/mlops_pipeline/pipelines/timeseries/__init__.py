"""Pipeline ``timeseries``: any dated CSV (or the embedded co2 series) -> LSTM vs baselines."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
