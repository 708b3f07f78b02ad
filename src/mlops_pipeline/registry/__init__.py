"""Model registry on MLflow: one registered sentiment classifier, aliases ``champion`` and
``challenger``, safe "models from code" artifacts; CLI ``python -m mlops_pipeline.registry``.
See docs/registry.md."""

from .mlflow_registry import Registry
from .registration import best_val_folder, register_folder
from .versions import CHALLENGER, CHAMPION, RegistryError, VersionInfo

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "Registry",
    "RegistryError",
    "VersionInfo",
    "best_val_folder",
    "register_folder",
]
