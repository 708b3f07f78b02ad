"""Pipeline ``retrain`` (operational like ``score``; not a DVC stage: it reads the registry).

``kedro run --pipelines retrain`` runs one cycle; the weekly Airflow DAG adds
``--params retrain.trigger.scheduled=true``. The ``retrain`` run lock (RunLockHook) makes a
concurrent second run exit at once.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.tracking.hook import TRACKING_CONFIG

from .nodes import retrain_cycle, retrain_data


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                retrain_data,
                ["reviews", "reviews_preprocessed", "params:retrain"],
                ["retrain_reference", "retrain_holdout"],
                name="retrain_data",
            ),
            node(
                retrain_cycle,
                [
                    "retrain_reference",
                    "retrain_holdout",
                    "train_classical_models",
                    "embeddings_word2vec_embedder",
                    TRACKING_CONFIG,
                    "params:retrain",
                    "params:drift",
                    "params:preprocess.text",
                    "params:common.seed",
                ],
                "retrain_last_decision",
                name="retrain_cycle",
            ),
        ],
        tags="retrain",
    )
