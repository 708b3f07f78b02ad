"""Pipeline ``ingest``: raw archive -> reviews table with folds -> report."""

from kedro.pipeline import Pipeline, node

from .nodes import build_reviews_table, report_ingest


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                build_reviews_table,
                inputs=["imdb_raw", "params:ingest", "params:common.seed"],
                outputs=["reviews", "ingest_decoding"],
                name="build_reviews_table",
            ),
            node(
                report_ingest,
                inputs=["reviews", "ingest_decoding"],
                outputs=["ingest_metrics", "ingest_details"],
                name="report_ingest",
            ),
        ],
        tags="ingest",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="ingest",
        prefix_datasets_with_namespace=False,
    )
