"""Nodes of ``retrain``: thin wrappers over :mod:`mlops_pipeline.registry.retraining`."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import pandas as pd

from mlops_pipeline.models.champion import select_champion
from mlops_pipeline.registry import Registry
from mlops_pipeline.registry.retraining import CycleInputs, run_cycle
from mlops_pipeline.tracking.config import load_tracking_config
from mlops_pipeline.tracking.hook import current_run

logger = logging.getLogger(__name__)


def frozen_holdout(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` rows with the smallest SHA-1 of ``review_id``: the same rows on every run."""
    keys = rows["review_id"].map(lambda r: hashlib.sha1(str(r).encode()).hexdigest())
    return rows.assign(_key=keys).sort_values("_key").head(n).drop(columns="_key")


def retrain_data(
    reviews: pd.DataFrame, preprocessed: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference (fit + val with tokens: what the champion trained on) and the frozen holdout
    (a fixed subset of test: no model trains on it)."""
    tokens = preprocessed[["review_id", "text_light", "tokens"]]
    table = reviews[["review_id", "fold", "label", "text"]].merge(tokens, on="review_id")
    reference = table[table["fold"].isin(["fit", "val"])].reset_index(drop=True)
    holdout = frozen_holdout(table[table["fold"] == "test"], params["holdout"]["rows"])
    logger.info("retrain: %d reference rows, %d holdout rows", len(reference), len(holdout))
    return reference, holdout.reset_index(drop=True)


def retrain_cycle(
    reference: pd.DataFrame,
    holdout: pd.DataFrame,
    candidates: dict[str, Any],
    params: dict[str, Any],
    preprocess_config: dict[str, Any],
    seed: int,
) -> dict[str, Any]:
    """One cycle: intake, drift gate, challenger, promotion, commit; the logged decision."""
    project, env = current_run()
    registry = Registry(load_tracking_config(project, env))
    inputs = CycleInputs(
        reference=reference,
        holdout=holdout,
        first_champion=lambda: select_champion(candidates).folder,
    )
    decision = run_cycle(registry, inputs, params, preprocess_config, seed)
    logger.info("retrain decision: %s (%s)", decision["outcome"], decision["reason"])
    return decision
