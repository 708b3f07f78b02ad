"""Pipeline ``baseline``: a fast smoke check of the data (minimal cleaning, TF-IDF, LR)."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    minimal_clean,
    refit_on_fit_val,
    score_on_test,
    select_c_on_val,
    split_folds,
    vectorize_for_selection,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(minimal_clean, "reviews", "baseline_cleaned", name="baseline_minimal_clean"),
            node(
                split_folds,
                "baseline_cleaned",
                ["baseline_fit", "baseline_val", "baseline_test"],
                name="baseline_split_folds",
            ),
            node(
                vectorize_for_selection,
                ["baseline_fit", "baseline_val", "params:baseline"],
                ["baseline_x_fit", "baseline_x_val"],
                name="baseline_vectorize_for_selection",
            ),
            node(
                select_c_on_val,
                [
                    "baseline_x_fit",
                    "baseline_x_val",
                    "baseline_fit",
                    "baseline_val",
                    "params:baseline",
                    "params:common.seed",
                ],
                "baseline_selection",
                name="baseline_select_c_on_val",
            ),
            node(
                refit_on_fit_val,
                [
                    "baseline_fit",
                    "baseline_val",
                    "baseline_selection",
                    "params:baseline",
                    "params:common.seed",
                ],
                "baseline_model",
                name="baseline_refit_on_fit_val",
            ),
            node(
                score_on_test,
                [
                    "baseline_model",
                    "baseline_test",
                    "baseline_fit",
                    "baseline_val",
                    "baseline_selection",
                ],
                "baseline_metrics",
                name="baseline_score_on_test",
            ),
        ],
        tags="baseline",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="baseline",
        prefix_datasets_with_namespace=False,
    )
