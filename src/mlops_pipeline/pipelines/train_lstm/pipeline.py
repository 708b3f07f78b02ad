"""Pipeline ``train_lstm``: Word2Vec-initialised (Bi)LSTM on the preprocess tokens."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from .nodes import (
    build_vocabulary,
    export_runtime,
    learning_curve,
    plot_learning_curve,
    score_validation,
    train_model,
    training_metrics,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                build_vocabulary,
                ["reviews_preprocessed", "params:train_lstm"],
                "train_lstm_vocabulary",
                name="train_lstm_build_vocabulary",
            ),
            node(
                train_model,
                [
                    "reviews_preprocessed",
                    "train_lstm_vocabulary",
                    "embeddings_word2vec_model",
                    "params:preprocess.text",
                    "params:train_lstm",
                    "params:common.seed",
                ],
                ["train_lstm_model", "train_lstm_history"],
                name="train_lstm_train",
            ),
            node(
                export_runtime,
                ["train_lstm_model", "reviews_preprocessed", "params:train_lstm"],
                "train_lstm_served_model",
                name="train_lstm_export_runtime",
            ),
            node(
                score_validation,
                ["train_lstm_served_model", "reviews_preprocessed"],
                ["train_lstm_models", "train_lstm_val_predictions"],
                name="train_lstm_score_validation",
            ),
            node(
                training_metrics,
                ["train_lstm_val_predictions", "reviews_preprocessed", "train_lstm_history"],
                "train_lstm_metrics",
                name="train_lstm_metrics",
            ),
            node(
                learning_curve,
                "train_lstm_history",
                "train_lstm_learning_curve",
                name="train_lstm_learning_curve",
            ),
            node(
                plot_learning_curve,
                "train_lstm_learning_curve",
                "train_lstm_learning_curve_plot",
                name="train_lstm_plot_learning_curve",
            ),
        ],
        tags="train_lstm",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="train_lstm",
        prefix_datasets_with_namespace=False,
    )
