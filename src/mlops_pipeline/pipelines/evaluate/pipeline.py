"""Pipeline ``evaluate``: every trained model scored once on ``test``.

Models arrive through the catalog. To add a training pipeline's models (the recipe in
docs/models.md): give it a ``<pipeline>_models`` entry of type
:class:`mlops_pipeline.datasets.TextModelsDataset`, add that name to
:data:`mlops_pipeline.models.discovery.MODEL_INPUTS`, and add its model folder to the
``evaluate`` stage's deps in ``dvc.yaml``.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.models.discovery import MODEL_INPUTS

from .nodes import (
    curve_data,
    evaluation_metrics,
    figures,
    leaderboard,
    measure_speed,
    merge_model_sets,
    predict_short,
    predict_test,
    prepare_short_rows,
    prepare_test_rows,
    score_predictions,
    score_short,
    select_test_subset,
    top_features,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(merge_model_sets, MODEL_INPUTS, "evaluate_models", name="evaluate_merge_models"),
            node(
                prepare_test_rows,
                ["reviews", "reviews_preprocessed"],
                "evaluate_test_rows",
                name="evaluate_prepare_test_rows",
            ),
            node(
                select_test_subset,
                ["evaluate_test_rows", "params:evaluate", "params:common.seed"],
                "evaluate_test_subset",
                name="evaluate_select_test_subset",
            ),
            node(
                predict_test,
                ["evaluate_test_rows", "evaluate_models", "evaluate_test_subset"],
                ["evaluate_predictions", "evaluate_cards"],
                name="evaluate_predict_test",
            ),
            node(
                score_predictions,
                ["evaluate_predictions", "evaluate_test_rows", "evaluate_test_subset"],
                "evaluate_scores",
                name="evaluate_score_predictions",
            ),
            node(
                prepare_short_rows,
                "evaluate_test_rows",
                "evaluate_short_rows",
                name="evaluate_prepare_short_rows",
            ),
            node(
                predict_short,
                ["evaluate_short_rows", "evaluate_models", "evaluate_test_subset"],
                "evaluate_short_predictions",
                name="evaluate_predict_short",
            ),
            node(
                score_short,
                ["evaluate_short_predictions", "evaluate_short_rows"],
                "evaluate_short_scores",
                name="evaluate_score_short",
            ),
            node(
                evaluation_metrics,
                ["evaluate_scores", "evaluate_short_scores"],
                "evaluate_metrics",
                name="evaluate_headline_metrics",
            ),
            node(
                measure_speed,
                ["evaluate_test_rows", "evaluate_models", "params:evaluate", "params:common.seed"],
                "evaluate_timings",
                name="evaluate_measure_speed",
            ),
            node(
                curve_data,
                [
                    "evaluate_predictions",
                    "evaluate_test_rows",
                    "evaluate_scores",
                    "params:evaluate",
                ],
                ["evaluate_roc", "evaluate_precision_recall", "evaluate_confusion"],
                name="evaluate_curve_data",
            ),
            node(
                leaderboard,
                ["evaluate_scores", "evaluate_timings", "evaluate_cards", "evaluate_short_scores"],
                ["evaluate_leaderboard", "evaluate_leaderboard_md"],
                name="evaluate_leaderboard",
            ),
            node(
                figures,
                [
                    "evaluate_roc",
                    "evaluate_precision_recall",
                    "evaluate_confusion",
                    "evaluate_leaderboard",
                ],
                "evaluate_figures",
                name="evaluate_figures",
            ),
            node(
                top_features,
                ["evaluate_models", "params:evaluate"],
                "evaluate_top_features",
                name="evaluate_top_features",
            ),
        ],
        tags="evaluate",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="evaluate",
        prefix_datasets_with_namespace=False,
    )
