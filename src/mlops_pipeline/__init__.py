"""End-to-end MLOps reference: IMDb sentiment and time-series forecasting (Kedro + DVC)."""

__version__ = "0.1.0"
