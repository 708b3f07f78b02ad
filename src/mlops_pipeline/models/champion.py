"""The champion rule: the model with the best ``val_metrics.accuracy`` (never chosen on test).

This module is the single seam that decides which trained model serves: the ``drift`` DVC stage
applies it (:func:`choose_champion`) to the models it receives through the catalog
(:func:`~mlops_pipeline.models.discovery.champion_inputs`), and ``score`` uses it as its
fallback when no model registry names a ``@champion``. The evaluation leaderboard sorts by
*test* accuracy and must never be used for this choice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd

from mlops_pipeline.errors import UserInputError

from .discovery import MODELS_SUFFIX, ModelHandle, val_predictions_name

logger = logging.getLogger(__name__)


def val_accuracy(handle: ModelHandle) -> float | None:
    """The card's ``val_metrics.accuracy`` as a float, or ``None`` when the card has none."""
    value = (handle.card().val_metrics or {}).get("accuracy")
    if value is None:
        return None
    return float(value)


def select_champion(models: Mapping[str, ModelHandle]) -> ModelHandle:
    """The model with the highest card ``val_metrics.accuracy``; ties go to the smaller
    ``model_id`` (deterministic). Models without ``val_metrics`` are skipped with a log line.

    Raises :class:`UserInputError` when no model has a validation score.
    """
    scored: list[tuple[float, str, ModelHandle]] = []
    for model_id in sorted(models):
        accuracy = val_accuracy(models[model_id])
        if accuracy is None:
            logger.warning("champion: %s has no val_metrics.accuracy, skipped", model_id)
            continue
        scored.append((accuracy, model_id, models[model_id]))
    if not scored:
        raise UserInputError(
            f"no model among {sorted(models) or 'none'} has val_metrics.accuracy in its "
            "model_card.json: retrain with a training pipeline that scores on val "
            "(kedro run --pipelines train_classical)"
        )
    best_accuracy = max(acc for acc, _, _ in scored)
    champion = min((mid, h) for acc, mid, h in scored if acc == best_accuracy)[1]
    logger.info(
        "champion: %s (val accuracy %.5f, %d candidates)",
        champion.model_id,
        best_accuracy,
        len(scored),
    )
    return champion


def select_champion_from_sets(
    model_sets: Mapping[str, Mapping[str, ModelHandle]],
) -> tuple[str, ModelHandle]:
    """:func:`select_champion` over several ``<pipeline>_models`` sets keyed by dataset name;
    returns ``(dataset name, handle)`` so the caller can pick the matching
    ``<pipeline>_val_predictions``. A model id present in two sets is an error."""
    merged: dict[str, ModelHandle] = {}
    origin: dict[str, str] = {}
    for name in sorted(model_sets):
        for model_id, handle in model_sets[name].items():
            if model_id in merged:
                raise UserInputError(
                    f"model id {model_id!r} appears in both {origin[model_id]} and {name}: "
                    "rename one of the models"
                )
            merged[model_id] = handle
            origin[model_id] = name
    champion = select_champion(merged)
    return origin[champion.model_id], champion


def choose_champion(**datasets: Any) -> tuple[ModelHandle, pd.DataFrame, dict[str, Any]]:
    """The champion among every ``*_models`` input, its ``val`` predictions and its card facts.

    Keyword inputs are the catalog names (:func:`~.discovery.champion_inputs`):
    ``<pipeline>_models`` and ``<pipeline>_val_predictions``.
    """
    sets = {k: v for k, v in datasets.items() if k.endswith(MODELS_SUFFIX)}
    source, handle = select_champion_from_sets(sets)
    val_name = val_predictions_name(source)
    preds = datasets[val_name]
    preds = preds.loc[preds["model_id"] == handle.model_id, ["review_id", "proba"]]
    if preds.empty:
        raise ValueError(f"{val_name} has no rows for the champion {handle.model_id}")
    card = handle.card()
    info = {
        "model_id": handle.model_id,
        "source": source,
        "family": card.family,
        "val_metrics": card.val_metrics,
    }
    return handle, preds.reset_index(drop=True), info
