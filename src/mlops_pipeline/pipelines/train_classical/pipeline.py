"""Pipeline ``train_classical``: one training node per representation, then one save node.

Nodes read only the ``fit``/``val`` matrices (never ``test``) and the fitted representation;
the val-best of each combination's scores on ``val`` become ``metrics.json`` and the
``train_classical_val_predictions`` table (DESIGN.md "Validation scores and predictions");
which (family, representation) combinations run is ``train_classical.models`` in parameters.
Each node is tagged ``train_classical_<representation>``; ``create_pipeline(representations=[...])``
builds a graph restricted to some representations (used by ``benchmarks/classical.py``).
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from .nodes import classical_metrics, collect_models, make_trainer, val_predictions

#: representation -> (matrix prefix, rows table, fitted representation, pooling)
REPRESENTATIONS: dict[str, tuple[str, str, str, str | None]] = {
    "bow": ("features_bow", "features_rows", "features_bow_vectorizer", None),
    "tfidf": ("features_tfidf", "features_rows", "features_tfidf_vectorizer", None),
    "ngrams": ("features_ngrams", "features_rows", "features_ngrams_vectorizer", None),
    "word2vec_mean": (
        "embeddings_word2vec_mean",
        "embeddings_rows",
        "embeddings_word2vec_embedder",
        "mean",
    ),
    "word2vec_tfidf": (
        "embeddings_word2vec_tfidf",
        "embeddings_rows",
        "embeddings_word2vec_embedder",
        "tfidf",
    ),
    "fasttext_mean": (
        "embeddings_fasttext_mean",
        "embeddings_rows",
        "embeddings_fasttext_embedder",
        "mean",
    ),
    "fasttext_tfidf": (
        "embeddings_fasttext_tfidf",
        "embeddings_rows",
        "embeddings_fasttext_embedder",
        "tfidf",
    ),
    # paragraph vectors (Doc2Vec), inferred for every fold by the embedder the model bundles
    "doc2vec": (
        "embeddings_doc2vec_inferred",
        "embeddings_rows",
        "embeddings_doc2vec_embedder",
        None,
    ),
}


def create_pipeline(representations: list[str] | None = None, **kwargs) -> Pipeline:
    """All representations by default; ``representations`` restricts the graph (benchmarks)."""
    names = list(REPRESENTATIONS) if representations is None else list(representations)
    unknown = set(names) - set(REPRESENTATIONS)
    if unknown:
        raise ValueError(f"unknown representation(s) {sorted(unknown)}")
    nodes, parts = [], []
    for name in names:
        prefix, rows, representation, pooling = REPRESENTATIONS[name]
        outputs = [f"train_classical_{name}_models", f"train_classical_{name}_report"]
        nodes.append(
            node(
                make_trainer(name, pooling),
                inputs=[
                    f"{prefix}_fit",
                    f"{prefix}_val",
                    rows,
                    representation,
                    "params:preprocess.text",
                    "params:train_classical",
                    "params:common.seed",
                ],
                outputs=outputs,
                name=f"train_classical_{name}",
                tags=[f"train_classical_{name}"],
            )
        )
        parts.extend(outputs)
    nodes.append(
        node(
            collect_models,
            inputs=parts,
            outputs=[
                "train_classical_models",
                "train_classical_selection",
                "train_classical_reports",
            ],
            name="train_classical_collect",
            tags=["train_classical_collect"],
        )
    )
    nodes.append(
        node(
            classical_metrics,
            "train_classical_reports",
            "train_classical_metrics",
            name="train_classical_headline_metrics",
        )
    )
    nodes.append(
        node(
            val_predictions,
            "train_classical_reports",
            "train_classical_val_predictions",
            name="train_classical_val_predictions",
        )
    )
    # one box in kedro viz; datasets keep their catalog names (and DVC paths)
    return Pipeline(
        nodes,
        tags="train_classical",
        namespace="train_classical",
        prefix_datasets_with_namespace=False,
    )
