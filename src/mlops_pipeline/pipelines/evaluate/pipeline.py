"""Pipeline ``evaluate``.

Models are discovered on disk (no registry). To run after training inside a composite run
(``kedro run --pipelines imdb``), the scoring node also takes ``<name>_models`` of every
training pipeline package ``train_*`` of this project: by convention each training pipeline
saves its models through a :class:`mlops_pipeline.models.kedro_dataset.TextModelsDataset`
named ``<name>_models`` (an absent folder loads as ``{}``). New training pipelines that follow
the convention are picked up without editing this file.
"""

from __future__ import annotations

import pkgutil

from kedro.pipeline import Pipeline, node

from .nodes import build_reports, prepare_test_rows, score_models


def training_indexes() -> list[str]:
    """``<name>_models`` for every ``train_*`` pipeline package of this project."""
    from mlops_pipeline import pipelines

    names = sorted(
        m.name
        for m in pkgutil.iter_modules(pipelines.__path__)
        if m.ispkg and m.name.startswith("train_")
    )
    return [f"{name}_models" for name in names]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                prepare_test_rows,
                ["reviews", "reviews_preprocessed"],
                "evaluate_test_rows",
                name="evaluate_prepare_test_rows",
            ),
            node(
                score_models,
                [
                    "evaluate_test_rows",
                    "params:evaluate",
                    "params:common.seed",
                    *training_indexes(),
                ],
                [
                    "evaluate_predictions",
                    "evaluate_metrics",
                    "evaluate_timings",
                    "evaluate_details",
                ],
                name="evaluate_score_models",
            ),
            node(
                build_reports,
                ["evaluate_metrics", "evaluate_timings", "evaluate_details"],
                [
                    "evaluate_roc",
                    "evaluate_precision_recall",
                    "evaluate_confusion",
                    "evaluate_leaderboard",
                    "evaluate_leaderboard_md",
                    "evaluate_top_features",
                    "evaluate_figures",
                ],
                name="evaluate_build_reports",
            ),
        ]
    )
