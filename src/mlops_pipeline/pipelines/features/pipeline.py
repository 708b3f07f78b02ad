"""Pipeline ``features``."""

from kedro.pipeline import Pipeline, node

from .nodes import build_bow, build_tfidf, report_features, select_documents


def create_pipeline(**kwargs) -> Pipeline:
    common = ["features_documents"]
    options = ["params:features.stop_words", "params:features.probe", "params:common.seed"]
    return Pipeline(
        [
            node(
                select_documents,
                "reviews_preprocessed",
                ["features_documents", "features_rows"],
                name="features_select_documents",
            ),
            node(
                build_bow,
                [*common, "params:features.bow", *options],
                [
                    "features_bow_vectorizer",
                    "features_bow_fit",
                    "features_bow_val",
                    "features_bow_test",
                    "features_bow_summary",
                ],
                name="features_build_bow",
            ),
            node(
                build_tfidf,
                [*common, "params:features.tfidf", *options],
                [
                    "features_tfidf_vectorizer",
                    "features_tfidf_fit",
                    "features_tfidf_val",
                    "features_tfidf_test",
                    "features_tfidf_summary",
                ],
                name="features_build_tfidf",
            ),
            node(
                report_features,
                ["features_bow_summary", "features_tfidf_summary"],
                ["features_metrics", "features_timings", "features_report"],
                name="features_report",
            ),
        ]
    )
