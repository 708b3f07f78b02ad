"""Which champion an operational pipeline (``score``) serves: the registry's ``@champion``.

:func:`registry_champion` returns the champion's local model folder as a
:class:`~mlops_pipeline.models.discovery.ModelHandle` when the registry has one, else
``None`` — the caller then falls back to
:func:`mlops_pipeline.models.champion.choose_champion` (the rule for the first champion).
An embedded store that does not exist yet means "no registry" (nothing is created); a store
that is configured but cannot be reached (a server down, a wrong ``MLFLOW_TRACKING_URI``)
is an error naming its URI — never a silent fallback to another model. The champion's files
are checked against the version's manifest before they are used. DVC stages never call this
(DESIGN.md: they do not read the registry).

Which registry is a node input: the run's
:class:`~mlops_pipeline.tracking.config.TrackingConfig`, put in the catalog as
``tracking_config`` by :class:`~mlops_pipeline.tracking.hook.MlflowTrackingHook` from the Kedro
run's project path and environment (``--env test`` never reads the project's store).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from mlops_pipeline.models.champion import choose_champion
from mlops_pipeline.models.discovery import ModelHandle
from mlops_pipeline.tracking.config import TrackingConfig, store_exists

from .mlflow_registry import Registry
from .versions import CHAMPION

logger = logging.getLogger(__name__)


def registry_champion(config: TrackingConfig) -> tuple[ModelHandle, dict[str, Any]] | None:
    """``(handle, info)`` of ``@champion``, or ``None`` when no registry/champion exists.

    Raises :class:`~mlops_pipeline.registry.RegistryError` (one line, the URI) when the store
    cannot be reached, and when the champion's stored files differ from its manifest."""
    if not store_exists(config):
        logger.info(
            "no registry at %s: the champion comes from select_champion", config.tracking_uri
        )
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
        "model_version": current.tags.get("model_version", ""),
    }
    logger.info("serving %s version %s (%s)", config.registered_model, current.version, folder)
    return ModelHandle(info["model_id"], folder), info


def choose_serving_champion(
    reviews: pd.DataFrame, tracking: TrackingConfig, **datasets: Any
) -> tuple[ModelHandle, pd.DataFrame, dict[str, Any]]:
    """The ``score`` champion: the registry's ``@champion`` when one is set, else
    :func:`~mlops_pipeline.models.champion.choose_champion` over the training pipelines' models
    (the other keyword inputs: :func:`~mlops_pipeline.models.discovery.champion_inputs`).

    ``tracking`` names the registry (node input ``tracking_config``).

    Returns what ``choose_champion`` returns: the handle, reference probabilities
    (``review_id, proba``) and facts for the reports. For the select_champion model these are
    its ``val`` predictions; a registry champion that is another model (a retrained
    challenger, trained on fit + val + batches) has no out-of-sample ``val`` predictions, so its
    reference probabilities are its predictions on the ``test`` fold (no model of this project
    trains on test; nothing is chosen on these numbers).
    """
    handle, val, info = choose_champion(**datasets)
    found = registry_champion(tracking)
    if found is None:
        return handle, val, {**info, "chosen_by": "select_champion (no registry champion)"}
    served, facts = found
    card = served.card()
    info = {**facts, "family": card.family, "val_metrics": card.val_metrics}
    if card.data_hash == handle.card().data_hash and served.model_id == handle.model_id:
        return served, val, {**info, "chosen_by": "registry (same model as select_champion)"}
    rows = reviews.loc[reviews["fold"] == "test", ["review_id", "text"]]
    proba = served.load().predict_proba(rows["text"].tolist())[:, 1]
    reference = pd.DataFrame({"review_id": rows["review_id"].to_numpy(), "proba": proba})
    logger.info("score: registry champion %s, reference probabilities on %d test reviews",
                served.model_id, len(reference))  # fmt: skip
    return served, reference, {**info, "chosen_by": "registry", "reference_proba": "test fold"}
