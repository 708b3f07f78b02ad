"""MLflow tracking: every training pipeline run becomes MLflow runs (one per model).

:class:`~mlops_pipeline.tracking.hook.MlflowTrackingHook` (registered in ``settings.py``) and
the store settings of :mod:`~mlops_pipeline.tracking.config`; see docs/registry.md.
"""

from .config import TrackingConfig, load_tracking_config

__all__ = ["TrackingConfig", "load_tracking_config"]
