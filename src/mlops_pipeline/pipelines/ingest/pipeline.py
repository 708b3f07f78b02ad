"""Pipeline ``ingest``."""

from kedro.pipeline import Pipeline, node

from .nodes import build_reviews_table


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                build_reviews_table,
                inputs=["imdb_raw", "params:ingest", "params:common.seed"],
                outputs=["reviews", "ingest_metrics"],
                name="build_reviews_table",
            )
        ]
    )
