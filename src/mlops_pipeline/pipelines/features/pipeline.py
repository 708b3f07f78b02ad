"""Pipeline ``features``: for BoW, TF-IDF and binary n-grams, fit on the train reviews -> transform each fold
-> summarise and probe; then one report. Nodes are listed literally (the graph is the story)."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    fit_bow,
    fit_ngrams,
    fit_tfidf,
    probe,
    report_features,
    select_documents,
    summarise,
    transform,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                select_documents,
                inputs="reviews_preprocessed",
                outputs=[
                    "features_documents_fit",
                    "features_documents_val",
                    "features_documents_test",
                    "features_rows",
                ],
                name="features_select_documents",
            ),
            node(
                fit_bow,
                inputs=[
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.bow",
                    "params:features.stop_words",
                ],
                outputs="features_bow_vectorizer",
                name="features_fit_bow",
            ),
            node(
                transform,
                inputs=["features_bow_vectorizer", "features_documents_fit"],
                outputs="features_bow_fit",
                name="features_transform_bow_fit",
            ),
            node(
                transform,
                inputs=["features_bow_vectorizer", "features_documents_val"],
                outputs="features_bow_val",
                name="features_transform_bow_val",
            ),
            node(
                transform,
                inputs=["features_bow_vectorizer", "features_documents_test"],
                outputs="features_bow_test",
                name="features_transform_bow_test",
            ),
            node(
                summarise,
                inputs=[
                    "features_bow_vectorizer",
                    "features_bow_fit",
                    "features_bow_val",
                    "features_bow_test",
                    "features_documents_test",
                ],
                outputs="features_bow_summary",
                name="features_summarise_bow",
            ),
            node(
                probe,
                inputs=[
                    "features_bow_fit",
                    "features_bow_val",
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.probe",
                    "params:common.seed",
                ],
                outputs="features_bow_probe",
                name="features_probe_bow",
            ),
            node(
                fit_tfidf,
                inputs=[
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.tfidf",
                    "params:features.stop_words",
                ],
                outputs="features_tfidf_vectorizer",
                name="features_fit_tfidf",
            ),
            node(
                transform,
                inputs=["features_tfidf_vectorizer", "features_documents_fit"],
                outputs="features_tfidf_fit",
                name="features_transform_tfidf_fit",
            ),
            node(
                transform,
                inputs=["features_tfidf_vectorizer", "features_documents_val"],
                outputs="features_tfidf_val",
                name="features_transform_tfidf_val",
            ),
            node(
                transform,
                inputs=["features_tfidf_vectorizer", "features_documents_test"],
                outputs="features_tfidf_test",
                name="features_transform_tfidf_test",
            ),
            node(
                summarise,
                inputs=[
                    "features_tfidf_vectorizer",
                    "features_tfidf_fit",
                    "features_tfidf_val",
                    "features_tfidf_test",
                    "features_documents_test",
                ],
                outputs="features_tfidf_summary",
                name="features_summarise_tfidf",
            ),
            node(
                probe,
                inputs=[
                    "features_tfidf_fit",
                    "features_tfidf_val",
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.probe",
                    "params:common.seed",
                ],
                outputs="features_tfidf_probe",
                name="features_probe_tfidf",
            ),
            node(
                fit_ngrams,
                inputs=[
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.ngrams",
                    "params:features.stop_words",
                ],
                outputs="features_ngrams_vectorizer",
                name="features_fit_ngrams",
            ),
            node(
                transform,
                inputs=["features_ngrams_vectorizer", "features_documents_fit"],
                outputs="features_ngrams_fit",
                name="features_transform_ngrams_fit",
            ),
            node(
                transform,
                inputs=["features_ngrams_vectorizer", "features_documents_val"],
                outputs="features_ngrams_val",
                name="features_transform_ngrams_val",
            ),
            node(
                transform,
                inputs=["features_ngrams_vectorizer", "features_documents_test"],
                outputs="features_ngrams_test",
                name="features_transform_ngrams_test",
            ),
            node(
                summarise,
                inputs=[
                    "features_ngrams_vectorizer",
                    "features_ngrams_fit",
                    "features_ngrams_val",
                    "features_ngrams_test",
                    "features_documents_test",
                ],
                outputs="features_ngrams_summary",
                name="features_summarise_ngrams",
            ),
            node(
                probe,
                inputs=[
                    "features_ngrams_fit",
                    "features_ngrams_val",
                    "features_documents_fit",
                    "features_documents_val",
                    "params:features.probe",
                    "params:common.seed",
                ],
                outputs="features_ngrams_probe",
                name="features_probe_ngrams",
            ),
            node(
                report_features,
                inputs=[
                    "features_bow_summary",
                    "features_tfidf_summary",
                    "features_bow_probe",
                    "features_tfidf_probe",
                    "features_ngrams_summary",
                    "features_ngrams_probe",
                ],
                outputs=["features_metrics", "features_details", "features_report"],
                name="features_report",
            ),
        ],
        tags="features",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="features",
        prefix_datasets_with_namespace=False,
    )
