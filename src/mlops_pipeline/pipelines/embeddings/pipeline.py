"""Pipeline ``embeddings``: corpus and documents -> train IDF; per family (Word2Vec, FastText)
train -> embedder -> document vectors per fold -> probe and summarise; paragraph vectors
(Doc2Vec) train -> inferred vectors per fold -> probe; then the reports. Nodes are listed
literally (the graph is the story)."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    build_embedder,
    compute_train_idf,
    document_vectors,
    paragraph_vectors,
    probe,
    probe_paragraph_vectors,
    report_embeddings,
    report_training_speed,
    select_corpus,
    select_documents,
    summarise,
    train_fasttext,
    train_paragraph_vectors,
    train_word2vec,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                select_corpus,
                inputs="reviews_preprocessed",
                outputs="embeddings_corpus",
                name="embeddings_select_corpus",
            ),
            node(
                select_documents,
                inputs="reviews_preprocessed",
                outputs=[
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "embeddings_documents_test",
                    "embeddings_rows",
                ],
                name="embeddings_select_documents",
            ),
            node(
                compute_train_idf,
                inputs=["embeddings_documents_fit", "embeddings_documents_val"],
                outputs="embeddings_idf",
                name="embeddings_compute_train_idf",
            ),
            node(
                train_word2vec,
                inputs=[
                    "embeddings_corpus",
                    "params:embeddings.word2vec",
                    "params:embeddings.workers",
                    "params:common.seed",
                ],
                outputs=["embeddings_word2vec_model", "embeddings_word2vec_training"],
                name="embeddings_train_word2vec",
            ),
            node(
                build_embedder,
                inputs=["embeddings_word2vec_model", "embeddings_idf", "params:embeddings.pooling"],
                outputs="embeddings_word2vec_embedder",
                name="embeddings_build_word2vec_embedder",
            ),
            node(
                document_vectors,
                inputs=["embeddings_word2vec_embedder", "embeddings_documents_fit"],
                outputs=["embeddings_word2vec_mean_fit", "embeddings_word2vec_tfidf_fit"],
                name="embeddings_word2vec_vectors_fit",
            ),
            node(
                document_vectors,
                inputs=["embeddings_word2vec_embedder", "embeddings_documents_val"],
                outputs=["embeddings_word2vec_mean_val", "embeddings_word2vec_tfidf_val"],
                name="embeddings_word2vec_vectors_val",
            ),
            node(
                document_vectors,
                inputs=["embeddings_word2vec_embedder", "embeddings_documents_test"],
                outputs=["embeddings_word2vec_mean_test", "embeddings_word2vec_tfidf_test"],
                name="embeddings_word2vec_vectors_test",
            ),
            node(
                probe,
                inputs=[
                    "embeddings_word2vec_mean_fit",
                    "embeddings_word2vec_mean_val",
                    "embeddings_word2vec_tfidf_fit",
                    "embeddings_word2vec_tfidf_val",
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "params:embeddings.probe",
                    "params:common.seed",
                ],
                outputs="embeddings_word2vec_probe",
                name="embeddings_probe_word2vec",
            ),
            node(
                summarise,
                inputs=[
                    "embeddings_word2vec_embedder",
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "embeddings_documents_test",
                    "params:embeddings.report",
                ],
                outputs="embeddings_word2vec_summary",
                name="embeddings_summarise_word2vec",
            ),
            node(
                train_fasttext,
                inputs=[
                    "embeddings_corpus",
                    "params:embeddings.fasttext",
                    "params:embeddings.workers",
                    "params:common.seed",
                ],
                outputs=["embeddings_fasttext_model", "embeddings_fasttext_training"],
                name="embeddings_train_fasttext",
            ),
            node(
                build_embedder,
                inputs=["embeddings_fasttext_model", "embeddings_idf", "params:embeddings.pooling"],
                outputs="embeddings_fasttext_embedder",
                name="embeddings_build_fasttext_embedder",
            ),
            node(
                document_vectors,
                inputs=["embeddings_fasttext_embedder", "embeddings_documents_fit"],
                outputs=["embeddings_fasttext_mean_fit", "embeddings_fasttext_tfidf_fit"],
                name="embeddings_fasttext_vectors_fit",
            ),
            node(
                document_vectors,
                inputs=["embeddings_fasttext_embedder", "embeddings_documents_val"],
                outputs=["embeddings_fasttext_mean_val", "embeddings_fasttext_tfidf_val"],
                name="embeddings_fasttext_vectors_val",
            ),
            node(
                document_vectors,
                inputs=["embeddings_fasttext_embedder", "embeddings_documents_test"],
                outputs=["embeddings_fasttext_mean_test", "embeddings_fasttext_tfidf_test"],
                name="embeddings_fasttext_vectors_test",
            ),
            node(
                probe,
                inputs=[
                    "embeddings_fasttext_mean_fit",
                    "embeddings_fasttext_mean_val",
                    "embeddings_fasttext_tfidf_fit",
                    "embeddings_fasttext_tfidf_val",
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "params:embeddings.probe",
                    "params:common.seed",
                ],
                outputs="embeddings_fasttext_probe",
                name="embeddings_probe_fasttext",
            ),
            node(
                summarise,
                inputs=[
                    "embeddings_fasttext_embedder",
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "embeddings_documents_test",
                    "params:embeddings.report",
                ],
                outputs="embeddings_fasttext_summary",
                name="embeddings_summarise_fasttext",
            ),
            node(
                train_paragraph_vectors,
                inputs=[
                    "embeddings_corpus",
                    "params:embeddings.doc2vec",
                    "params:embeddings.doc2vec_inference",
                    "params:embeddings.workers",
                    "params:common.seed",
                ],
                outputs=["embeddings_doc2vec_embedder", "embeddings_doc2vec_training"],
                name="embeddings_train_doc2vec",
            ),
            node(
                paragraph_vectors,
                inputs=["embeddings_doc2vec_embedder", "embeddings_documents_fit"],
                outputs="embeddings_doc2vec_inferred_fit",
                name="embeddings_doc2vec_vectors_fit",
            ),
            node(
                paragraph_vectors,
                inputs=["embeddings_doc2vec_embedder", "embeddings_documents_val"],
                outputs="embeddings_doc2vec_inferred_val",
                name="embeddings_doc2vec_vectors_val",
            ),
            node(
                paragraph_vectors,
                inputs=["embeddings_doc2vec_embedder", "embeddings_documents_test"],
                outputs="embeddings_doc2vec_inferred_test",
                name="embeddings_doc2vec_vectors_test",
            ),
            node(
                probe_paragraph_vectors,
                inputs=[
                    "embeddings_doc2vec_inferred_fit",
                    "embeddings_doc2vec_inferred_val",
                    "embeddings_documents_fit",
                    "embeddings_documents_val",
                    "params:embeddings.probe",
                    "params:common.seed",
                ],
                outputs="embeddings_doc2vec_probe",
                name="embeddings_probe_doc2vec",
            ),
            node(
                report_training_speed,
                inputs=[
                    "embeddings_word2vec_training",
                    "embeddings_fasttext_training",
                    "embeddings_doc2vec_training",
                ],
                outputs="embeddings_timings",
                name="embeddings_report_training_speed",
            ),
            node(
                report_embeddings,
                inputs=[
                    "embeddings_word2vec_summary",
                    "embeddings_fasttext_summary",
                    "embeddings_word2vec_probe",
                    "embeddings_fasttext_probe",
                    "embeddings_word2vec_training",
                    "embeddings_fasttext_training",
                    "embeddings_doc2vec_probe",
                    "embeddings_doc2vec_training",
                ],
                outputs=["embeddings_metrics", "embeddings_details", "embeddings_report"],
                name="embeddings_report",
            ),
        ],
        tags="embeddings",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="embeddings",
        prefix_datasets_with_namespace=False,
    )
