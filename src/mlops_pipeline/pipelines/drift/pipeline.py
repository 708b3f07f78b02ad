"""Pipeline ``drift``: the current batch (test split) against the reference (training reviews).

The champion comes from the models of every training pipeline in
:data:`mlops_pipeline.pipelines.evaluate.pipeline.MODEL_INPUTS` (best ``val_metrics.accuracy``),
so a new training pipeline is picked up with no change here.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.pipelines.evaluate.pipeline import MODEL_INPUTS

from .nodes import (
    choose_champion,
    drift_report,
    predict_current,
    sample_current,
    split_sides,
)


def champion_inputs(model_inputs: list[str] | None = None) -> dict[str, str]:
    """``{name: name}`` for every ``<pipeline>_models`` and ``<pipeline>_val_predictions``."""
    names = list(model_inputs or MODEL_INPUTS)
    vals = [n[: -len("_models")] + "_val_predictions" for n in names]
    return {n: n for n in names + vals}


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
                drift_report,
                [
                    "drift_reference",
                    "drift_current",
                    "drift_current_proba",
                    "drift_champion_val",
                    "reviews",
                    "embeddings_word2vec_embedder",
                    "drift_champion_info",
                    "params:drift",
                    "params:common.seed",
                ],
                ["drift_report_html", "drift_report_json", "drift_summary", "drift_metrics"],
                name="drift_report",
            ),
        ],
        tags="drift",
    )
