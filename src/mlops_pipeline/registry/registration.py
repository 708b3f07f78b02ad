"""Registering a model folder: probe-load, log it as an MLflow run's pyfunc, create the
version; the first champion (best ``val_metrics.accuracy``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlops_pipeline.errors import UserInputError
from mlops_pipeline.models.base import read_card
from mlops_pipeline.models.champion import select_champion
from mlops_pipeline.models.discovery import ModelHandle, discover_models

from .integrity import check_loadable
from .mlflow_registry import Registry
from .versions import RegistryError


def register_folder(
    registry: Registry,
    folder: str | Path,
    *,
    run_name: str,
    params: dict[str, Any] | None = None,
    metrics: dict[str, float] | None = None,
    tags: dict[str, str] | None = None,
) -> int:
    """Log ``folder`` as an MLflow run's pyfunc model and register it; the version number.

    The folder is first loaded through the allow-listed loader and predicts on a probe text
    (:func:`.integrity.check_loadable`): a folder that cannot is refused in one line and
    nothing is logged or registered."""
    folder = Path(folder)
    try:
        check_loadable(folder)
    except UserInputError as exc:
        raise RegistryError(str(exc)) from None
    card = read_card(folder)
    run_id, model_uri = registry.log_model(
        folder, run_name=run_name, params=params, metrics=metrics, tags=tags
    )
    version_tags = {"model_id": card.model_id, "family": card.family, **(tags or {})}
    return registry.register(model_uri, run_id, tags=version_tags, model_dir=folder.name)


def register_first_champion(registry: Registry, folder: str | Path) -> int:
    """Register ``folder`` (the best-val model) and point ``champion`` at it; the version.

    The one implementation behind `registry init` and the first `retrain` cycle.
    """
    folder = Path(folder)
    version = register_folder(
        registry,
        folder,
        run_name=f"first champion {folder.name}",
        tags={"source": "best val_metrics.accuracy"},
    )
    registry.promote(version, reason="first champion: best val_metrics.accuracy")
    return version


def best_val_folder(models_root: str | Path) -> Path:
    """The first champion: the model folder with the best ``val_metrics.accuracy``
    (:func:`mlops_pipeline.models.champion.select_champion`, the project's one rule)."""
    folders = discover_models(models_root)
    if not folders:
        raise RegistryError(
            f"no model folder under {models_root}: run a training pipeline first "
            "(kedro run --pipelines train_classical)"
        )
    return select_champion({f.name: ModelHandle(f.name, f) for f in folders}).folder
