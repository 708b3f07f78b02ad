"""Which champion an operational pipeline (``score``) serves: the registry's ``@champion``.

:func:`registry_champion` returns the champion's local model folder as a
:class:`~mlops_pipeline.models.discovery.ModelHandle` when the registry has one, else
``None`` — the caller then falls back to
:func:`mlops_pipeline.models.champion.select_champion` (the rule for the first champion).
An embedded store that does not exist yet means "no registry" (nothing is created). DVC
stages never call this (DESIGN.md: they do not read the registry).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.tracking.config import load_tracking_config

from .core import CHAMPION, Registry

logger = logging.getLogger(__name__)


def registry_champion(
    project: str | Path = ".", env: str | None = None
) -> tuple[ModelHandle, dict[str, Any]] | None:
    """``(handle, info)`` of ``@champion``, or ``None`` when no registry/champion exists."""
    config = load_tracking_config(project, env)
    uri = config.tracking_uri
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        return None
    registry = Registry(config)
    current = registry.alias(CHAMPION)
    if current is None:
        return None
    folder = registry.folder(current.version)
    info = {
        "model_id": current.model_id or folder.name,
        "source": f"registry {config.registered_model}@{CHAMPION}",
        "registry_version": current.version,
    }
    logger.info("serving %s version %s (%s)", config.registered_model, current.version, folder)
    return ModelHandle(info["model_id"], folder), info
