"""Pipeline ``score``: ``kedro run --pipelines score --params score.input=<file>``.

Operational (outside ``dvc.yaml``): its input changes per run. Outputs go to
``data/07_model_output/score/<batch>/`` (predictions, rejects) and
``data/08_reporting/score/<batch>/`` (summary, drift report), ``<batch>`` being the input
file's name without suffix.
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.models.discovery import champion_inputs
from mlops_pipeline.registry.serving import choose_serving_champion
from mlops_pipeline.tracking.hook import TRACKING_CONFIG

from .nodes import drift_of_batch, gate_rejects, predict_batch, validate_batch


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                validate_batch,
                ["score_input", "params:score"],
                ["score_accepted", "score_rejects", "score_batch", "score_counts"],
                name="score_validate_batch",
            ),
            node(
                gate_rejects,
                ["score_accepted", "score_counts", "params:score"],
                "score_checked",
                name="score_gate_rejects",
            ),
            node(  # the registry's @champion when set, else select_champion (issue 16)
                choose_serving_champion,
                {
                    "reviews": "reviews",
                    "tracking": TRACKING_CONFIG,
                    **champion_inputs(kwargs.get("model_inputs")),
                },
                ["score_champion", "score_champion_val", "score_champion_info"],
                name="score_choose_champion",
            ),
            node(
                predict_batch,
                ["score_checked", "score_champion", "score_batch", "params:score"],
                ["score_predictions", "score_proba"],
                name="score_predict_batch",
            ),
            node(
                drift_of_batch,
                [
                    "score_checked",
                    "score_proba",
                    "score_champion",
                    "score_champion_val",
                    "score_champion_info",
                    "reviews",
                    "reviews_preprocessed",
                    "embeddings_word2vec_embedder",
                    "score_counts",
                    "score_batch",
                    "params:score",
                    "params:drift",
                    "params:common.seed",
                ],
                "score_reports",
                name="score_drift_of_batch",
            ),
        ],
        tags="score",
    )
