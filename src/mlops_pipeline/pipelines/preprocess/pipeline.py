"""Pipeline ``preprocess``."""

from kedro.pipeline import Pipeline, node

from .nodes import preprocess_reviews, report_preprocess


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                preprocess_reviews,
                inputs=["reviews", "params:preprocess"],
                outputs=["reviews_preprocessed", "preprocess_timings"],
                name="preprocess_reviews",
            ),
            node(
                report_preprocess,
                inputs=["reviews_preprocessed", "params:preprocess"],
                outputs="preprocess_metrics",
                name="report_preprocess",
            ),
        ]
    )
