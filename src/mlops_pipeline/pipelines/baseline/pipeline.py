"""Pipeline ``baseline``."""

from kedro.pipeline import Pipeline, node

from .nodes import minimal_clean, refit_on_fit_val, score_on_test, select_c_on_val, split_folds


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
                select_c_on_val,
                ["baseline_fit", "baseline_val", "params:baseline", "params:common.seed"],
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
                ["baseline_model", "baseline_refit_info"],
                name="baseline_refit_on_fit_val",
            ),
            node(
                score_on_test,
                ["baseline_model", "baseline_test", "baseline_selection", "baseline_refit_info"],
                ["baseline_metrics", "baseline_timings"],
                name="baseline_score_on_test",
            ),
        ]
    )
