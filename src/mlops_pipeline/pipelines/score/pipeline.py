"""Pipeline ``score``: ``kedro run --pipelines score --params score.input=<file>``.

Operational (outside ``dvc.yaml``): its input changes per run. Each run writes two folders of
its own, named ``<run> = <batch>-<sha8>-<UTC time>`` (``<batch>``: the input file's name without
suffix; ``<sha8>``: the first 8 hex digits of the SHA-256 of its bytes; the time to the
millisecond, e.g. ``dup-1a2b3c4d-20261124T101500.123Z``)::

    data/07_model_output/score/<run>/predictions.parquet, rejects.parquet
    data/08_reporting/score/<run>/summary.json, summary.md[, drift_summary.json,
                                              drift_report.html, evidently.json]

Each folder is written whole (a hidden temporary folder renamed into place; an existing one
is never replaced), the reporting folder last: a run whose ``summary.json`` exists is complete.
A run with too many rejected rows writes ``rejects.parquet`` and a ``summary.json`` with
``"status": "failed"``, then fails with one line (docs/scoring.md). A run that succeeds ends
with ``summary.md`` on the terminal (``score_run_summary``, printed by RunSummaryHook).
"""

from __future__ import annotations

from kedro.pipeline import Pipeline, node

from mlops_pipeline.drift import drift_setup, reference_side
from mlops_pipeline.models.discovery import champion_inputs
from mlops_pipeline.registry.serving import choose_serving_champion
from mlops_pipeline.tracking.hook import TRACKING_CONFIG

from .nodes import (
    drift_of_batch,
    fail_on_rejects,
    model_output_files,
    predict_batch,
    report_files,
    stop_on_reject_share,
    validate_batch,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            node(
                validate_batch,
                ["score_input", "params:score"],
                ["score_accepted", "score_rejected", "score_run", "score_counts"],
                name="score_validate_batch",
            ),
            node(
                stop_on_reject_share,
                ["score_accepted", "score_counts", "params:score"],
                ["score_checked", "score_status"],
                name="score_stop_on_reject_share",
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
                ["score_checked", "score_champion", "score_counts", "params:score"],
                ["score_prediction_table", "score_proba"],
                name="score_predict_batch",
            ),
            node(
                model_output_files,
                ["score_run", "score_prediction_table", "score_rejected", "score_status"],
                ["score_predictions", "score_model_output_files"],
                name="score_write_model_output",
            ),
            node(
                reference_side,
                ["reviews", "reviews_preprocessed", "params:drift"],
                "score_drift_reference",
                name="score_drift_reference",
            ),
            node(
                drift_setup,
                [
                    "score_drift_reference",
                    "score_champion_val",
                    "reviews",
                    "embeddings_word2vec_embedder",
                    "params:drift",
                    "params:common.seed",
                ],
                "score_drift_setup",
                name="score_drift_setup",
            ),
            node(
                drift_of_batch,
                [
                    "score_checked",
                    "score_proba",
                    "score_champion",
                    "score_drift_setup",
                    "score_champion_info",
                    "params:score",
                ],
                "score_drift",
                name="score_drift_of_batch",
            ),
            node(
                report_files,
                [
                    "score_run",
                    "score_drift",
                    "score_counts",
                    "score_status",
                    "score_champion_info",
                    "score_model_output_files",
                ],
                ["score_reports", "score_summary", "score_run_summary"],
                name="score_write_reports",
            ),
            node(
                fail_on_rejects,
                "score_summary",
                None,
                name="score_fail_on_rejects",
            ),
        ],
        tags="score",
        # one box in kedro viz; datasets keep their catalog names (and DVC paths)
        namespace="score",
        prefix_datasets_with_namespace=False,
    )
