"""Pipeline ``train_bert``: a pre-trained transformer fine-tuned on (a fixed subset of) ``fit``."""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from .nodes import (
    export_runtime,
    learning_curve,
    score_validation,
    select_rows,
    train_model,
    training_metrics,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                select_rows,
                ["reviews_preprocessed", "params:train_bert", "params:common.seed"],
                ["train_bert_fit_rows", "train_bert_val_rows"],
                name="train_bert_select_rows",
            ),
            node(
                train_model,
                [
                    "train_bert_fit_rows",
                    "train_bert_val_rows",
                    "params:preprocess.text",
                    "params:train_bert",
                    "params:common.seed",
                ],
                ["train_bert_model", "train_bert_history"],
                name="train_bert_train",
            ),
            node(
                export_runtime,
                ["train_bert_model", "train_bert_val_rows", "params:train_bert"],
                "train_bert_served_model",
                name="train_bert_export_runtime",
            ),
            node(
                score_validation,
                ["train_bert_served_model", "train_bert_val_rows"],
                ["train_bert_models", "train_bert_val_predictions"],
                name="train_bert_score_validation",
            ),
            node(
                training_metrics,
                ["train_bert_val_predictions", "train_bert_val_rows", "train_bert_history"],
                "train_bert_metrics",
                name="train_bert_metrics",
            ),
            node(
                learning_curve,
                "train_bert_history",
                "train_bert_learning_curve",
                name="train_bert_learning_curve",
            ),
        ],
        tags="train_bert",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="train_bert",
        prefix_datasets_with_namespace=False,
    )
