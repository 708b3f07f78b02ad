"""Pipeline ``embeddings``."""

from kedro.pipeline import Pipeline, node

from .nodes import (
    compute_train_idf,
    document_vectors,
    report_embeddings,
    select_documents,
    train_fasttext,
    train_word2vec,
)


def _family_nodes(family: str, train_func) -> list:
    return [
        node(
            train_func,
            [
                "embeddings_corpus",
                "embeddings_idf",
                f"params:embeddings.{family}",
                "params:embeddings.workers",
                "params:embeddings.pooling",
                "params:common.seed",
            ],
            [
                f"embeddings_{family}_model",
                f"embeddings_{family}_embedder",
                f"embeddings_{family}_training",
            ],
            name=f"embeddings_train_{family}",
        ),
        node(
            document_vectors,
            [
                f"embeddings_{family}_embedder",
                "embeddings_documents",
                "params:embeddings.probe",
                "params:common.seed",
            ],
            [
                *(
                    f"embeddings_{family}_{pooling}_{fold}"
                    for pooling in ("mean", "tfidf")
                    for fold in ("fit", "val", "test")
                ),
                f"embeddings_{family}_summary",
            ],
            name=f"embeddings_{family}_document_vectors",
        ),
    ]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                select_documents,
                "reviews_preprocessed",
                ["embeddings_corpus", "embeddings_documents", "embeddings_rows"],
                name="embeddings_select_documents",
            ),
            node(
                compute_train_idf,
                "embeddings_documents",
                "embeddings_idf",
                name="embeddings_compute_train_idf",
            ),
            *_family_nodes("word2vec", train_word2vec),
            *_family_nodes("fasttext", train_fasttext),
            node(
                report_embeddings,
                [
                    "embeddings_word2vec_training",
                    "embeddings_fasttext_training",
                    "embeddings_word2vec_summary",
                    "embeddings_fasttext_summary",
                    "embeddings_word2vec_embedder",
                    "embeddings_fasttext_embedder",
                    "params:embeddings.report",
                ],
                [
                    "embeddings_metrics",
                    "embeddings_sanity",
                    "embeddings_timings",
                    "embeddings_report",
                ],
                name="embeddings_report",
            ),
        ]
    )
