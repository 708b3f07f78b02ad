"""Pipeline ``preprocess``: reviews -> ``text_light`` and ``tokens`` -> report."""

from kedro.pipeline import Pipeline, node

from .nodes import preprocess_reviews, report_preprocess


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                preprocess_reviews,
                inputs=["reviews", "params:preprocess.text", "params:preprocess.speed"],
                outputs="reviews_preprocessed",
                name="preprocess_reviews",
            ),
            node(
                report_preprocess,
                inputs="reviews_preprocessed",
                outputs=["preprocess_metrics", "preprocess_details"],
                name="report_preprocess",
            ),
        ],
        tags="preprocess",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="preprocess",
        prefix_datasets_with_namespace=False,
    )
