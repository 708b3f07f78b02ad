"""Pipeline ``drift``: the current batch (test split) against the reference (training reviews).

The champion comes from the models of every training pipeline in
:data:`mlops_pipeline.models.discovery.MODEL_INPUTS` (best ``val_metrics.accuracy``:
:func:`mlops_pipeline.models.champion.choose_champion`), so a new training pipeline is picked
up with no change here.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.drift import drift_setup, split_sides
from mlops_pipeline.models.champion import choose_champion
from mlops_pipeline.models.discovery import champion_inputs

from .nodes import (
    drift_report,
    predict_current,
    sample_current,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                choose_champion,
                champion_inputs(kwargs.get("model_inputs")),
                ["drift_champion", "drift_champion_val", "drift_champion_info"],
                name="drift_choose_champion",
            ),
            node(
                split_sides,
                ["reviews", "reviews_preprocessed", "params:drift"],
                ["drift_reference", "drift_current_all"],
                name="drift_split_sides",
            ),
            node(
                sample_current,
                ["drift_current_all", "params:drift", "params:common.seed"],
                "drift_current",
                name="drift_sample_current",
            ),
            node(
                predict_current,
                ["drift_champion", "drift_current"],
                "drift_current_proba",
                name="drift_predict_current",
            ),
            node(
                drift_setup,
                [
                    "drift_reference",
                    "drift_champion_val",
                    "reviews",
                    "embeddings_word2vec_embedder",
                    "params:drift",
                    "params:common.seed",
                ],
                "drift_setup",
                name="drift_setup",
            ),
            node(
                drift_report,
                ["drift_setup", "drift_current", "drift_current_proba", "drift_champion_info"],
                ["drift_report_html", "drift_report_json", "drift_summary", "drift_metrics"],
                name="drift_report",
            ),
        ],
        tags="drift",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="drift",
        prefix_datasets_with_namespace=False,
    )
