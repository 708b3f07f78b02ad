"""Model registry on MLflow: one registered sentiment classifier, aliases ``champion`` and
``challenger``, safe "models from code" artifacts; CLI ``python -m mlops_pipeline.registry``.
See docs/registry.md."""

from .core import (
    CHALLENGER,
    CHAMPION,
    Registry,
    RegistryError,
    VersionInfo,
    best_val_folder,
    register_folder,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "Registry",
    "RegistryError",
    "VersionInfo",
    "best_val_folder",
    "register_folder",
]
