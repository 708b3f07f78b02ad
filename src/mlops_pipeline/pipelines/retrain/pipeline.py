"""Pipeline ``retrain`` (operational like ``score``; not a DVC stage: it reads the registry).

``kedro run --pipelines retrain`` runs one cycle; the weekly Airflow DAG adds
``--params retrain.trigger.scheduled=true``. The ``retrain`` run lock (RunLockHook) makes a
concurrent second run exit at once. The run ends with the decision's one-screen summary
(``last_decision.md``, printed by RunSummaryHook).
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.tracking.hook import TRACKING_CONFIG

from .nodes import retrain_cycle, retrain_data, retrain_summary


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
            node(
                retrain_summary,
                "retrain_last_decision",
                "retrain_run_summary",
                name="retrain_summary",
            ),
        ],
        tags="retrain",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="retrain",
        prefix_datasets_with_namespace=False,
    )
