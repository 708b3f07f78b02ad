"""Nodes of ``retrain``: thin wrappers over :mod:`mlops_pipeline.registry.retraining`."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from mlops_pipeline.models.champion import select_champion
from mlops_pipeline.registry import Registry
from mlops_pipeline.registry.intake import reference_and_holdout
from mlops_pipeline.registry.retraining import CycleInputs, run_cycle
from mlops_pipeline.run_summary import retrain_markdown
from mlops_pipeline.tracking.config import TrackingConfig

logger = logging.getLogger(__name__)


def retrain_data(
    reviews: pd.DataFrame, preprocessed: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference (fit + val with tokens: what the champion trained on) and the frozen holdout
    (a fixed subset of test: no model trains on it)."""
    return reference_and_holdout(reviews, preprocessed, params["holdout"]["rows"])


def retrain_cycle(
    reference: pd.DataFrame,
    holdout: pd.DataFrame,
    candidates: dict[str, Any],
    embedder: Any,
    tracking: TrackingConfig,
    params: dict[str, Any],
    drift_params: dict[str, Any],
    preprocess_config: dict[str, Any],
    seed: int,
) -> dict[str, Any]:
    """One cycle: intake, drift gate, challenger, promotion, commit; the logged decision.
    ``tracking`` (node input ``tracking_config``) names the run's registry."""
    registry = Registry(tracking)
    inputs = CycleInputs(
        reference=reference,
        holdout=holdout,
        first_champion=lambda: select_champion(candidates).folder,
        embedder=embedder,
    )
    decision = run_cycle(registry, inputs, params, preprocess_config, seed, drift_params)
    logger.info("retrain decision: %s (%s)", decision["outcome"], decision["reason"])
    return decision


def retrain_summary(decision: dict[str, Any]) -> str:
    """The decision as a one-screen Markdown summary (``last_decision.md``): outcome, the
    numbers behind it, the drift verdict and the command that rolls a promotion back."""
    return retrain_markdown(decision)
