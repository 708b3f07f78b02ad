"""End-to-end MLOps reference: IMDb sentiment and time-series forecasting (Kedro + DVC)."""

from .numeric_env import pin_numeric_kernels

__version__ = "0.1.0"

# Before numpy, scipy or torch load (mlops_pipeline.numeric_env says why).
pin_numeric_kernels()
