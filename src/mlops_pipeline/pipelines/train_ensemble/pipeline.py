"""Pipeline ``train_ensemble``: val labels -> candidate table -> member selection (cross-fitted)
-> short-text route (chosen on val, models trained on fit) -> the ensemble (copies of its
members, route and combiner) -> reports.

Member pipelines are every training pipeline of
:data:`mlops_pipeline.models.discovery.MODEL_INPUTS` but this one:
their ``<pipeline>_models`` and ``<pipeline>_val_predictions`` catalog entries are the inputs
(never a disk scan). A new training pipeline joins by the docs/models.md recipe.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.models.discovery import MODEL_INPUTS, MODELS_SUFFIX

from .nodes import (
    build_ensemble,
    candidate_table,
    ensemble_metrics,
    route_short_inputs,
    select,
    train_texts,
    val_labels,
    val_predictions,
)

OWN_MODELS = "train_ensemble_models"


def member_pipelines() -> list[str]:
    """Training pipelines whose models may join the ensemble."""
    return [m.removesuffix(MODELS_SUFFIX) for m in MODEL_INPUTS if m != OWN_MODELS]


def create_pipeline(**kwargs) -> Pipeline:
    pipelines = member_pipelines()
    return Pipeline(
        [
            node(
                val_labels, "reviews", "train_ensemble_val_labels", name="train_ensemble_val_labels"
            ),
            node(
                candidate_table,
                [
                    "train_ensemble_val_labels",
                    "params:train_ensemble",
                    *[f"{p}_val_predictions" for p in pipelines],
                ],
                "train_ensemble_candidates",
                name="train_ensemble_candidates",
            ),
            node(
                select,
                ["train_ensemble_candidates", "params:train_ensemble", "params:common.seed"],
                "train_ensemble_selection_state",
                name="train_ensemble_select",
            ),
            node(train_texts, "reviews", "train_ensemble_train_texts", name="train_ensemble_texts"),
            node(
                route_short_inputs,
                [
                    "train_ensemble_train_texts",
                    "train_ensemble_candidates",
                    "train_ensemble_selection_state",
                    "params:train_ensemble",
                    *[f"{p}_models" for p in pipelines],
                ],
                "train_ensemble_routed_state",
                name="train_ensemble_short_route",
            ),
            node(
                build_ensemble,
                [
                    "train_ensemble_candidates",
                    "train_ensemble_routed_state",
                    "params:train_ensemble",
                    *[f"{p}_models" for p in pipelines],
                ],
                [OWN_MODELS, "train_ensemble_selection"],
                name="train_ensemble_build",
            ),
            node(
                ensemble_metrics,
                "train_ensemble_routed_state",
                "train_ensemble_metrics",
                name="train_ensemble_headline_metrics",
            ),
            node(
                val_predictions,
                ["train_ensemble_routed_state", "params:train_ensemble"],
                "train_ensemble_val_predictions",
                name="train_ensemble_val_predictions",
            ),
        ],
        tags="train_ensemble",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="train_ensemble",
        prefix_datasets_with_namespace=False,
    )
