"""Kedro hook: each training pipeline run is logged to MLflow, one MLflow run per model.

A training pipeline is one whose ``<pipeline>_models`` entry is a
:class:`~mlops_pipeline.datasets.TextModelsDataset` (train_classical, train_lstm, train_bert,
train_ensemble, and any later one: no list to keep in sync). After such a pipeline ran, every
model it wrote gets a run in the configured experiment with

* params: the card's ``params`` (flattened), ``family``, ``features``, ``pipeline``;
* metrics: ``val_accuracy``, ``val_roc_auc``, ``val_rows``, ``train_rows``, ``train_seconds``,
  ``size_bytes`` and the pipeline's node wall time (``pipeline_seconds``);
* tags: ``model_id``, ``device``, ``data_hash``/``params_hash`` of the card, the DVC hashes of
  the raw data (``dvc.<path>`` from ``data/01_raw/**/*.dvc``), the git commit, the Kedro env;
* the model folder as artifacts (``model/``; safe formats; ``log_model_folders: false`` skips).

When ``evaluate`` runs, each model's test metrics are added to its latest training run
(matched by ``model_id`` and ``data_hash``). DVC stages only *write* to MLflow; nothing read
back from it shapes a data output. A tracking failure is logged as a warning and never fails a
run whose outputs are already saved.
"""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml
from kedro.framework.hooks import hook_impl

from mlops_pipeline.hooks import pipeline_names_of

from .config import TrackingConfig, ensure_store, experiment_id, load_tracking_config

logger = logging.getLogger(__name__)

MODELS_DATASET = "mlops_pipeline.datasets.text_models.TextModelsDataset"
#: Catalog name of the run's :class:`TrackingConfig`: a node that reads the registry takes it as
#: an input (``score``, ``retrain``), so the store follows the run's environment (``--env test`` never
#: touches the project's store) without a module global.
TRACKING_CONFIG = "tracking_config"


def flatten(prefix: str, value: Any, out: dict[str, Any]) -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}`` (lists stay whole)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    else:
        out[prefix] = value
    return out


def dvc_data_hashes(project: Path) -> dict[str, str]:
    """``{"dvc.<path>": md5}`` of every ``dvc add``-ed raw input (its ``.dvc`` file)."""
    hashes = {}
    for dvc_file in sorted((project / "data" / "01_raw").rglob("*.dvc")):
        try:
            outs = (yaml.safe_load(dvc_file.read_text()) or {}).get("outs", [])
        except (OSError, yaml.YAMLError):
            continue
        for out in outs:
            if isinstance(out, dict) and out.get("md5"):
                rel = dvc_file.parent.relative_to(project) / str(out.get("path", ""))
                hashes[f"dvc.{rel.as_posix()}"] = str(out["md5"])
    return hashes


def git_commit(project: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def training_pipelines(pipeline: Any, catalog: Any) -> list[str]:
    """Pipelines of this run that save a ``<name>_models`` TextModelsDataset."""
    found = []
    for name in sorted(pipeline_names_of(pipeline)):
        entry = f"{name}_models"
        if entry in pipeline.all_outputs() and entry in catalog:
            dataset = catalog.get(entry)
            kind = f"{type(dataset).__module__}.{type(dataset).__qualname__}"
            if kind == MODELS_DATASET:
                found.append(name)
    return found


class MlflowTrackingHook:
    """Logs the models of every training pipeline run (and evaluate's test metrics) to MLflow."""

    def __init__(self) -> None:
        self._started = 0.0

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any] | None = None, pipeline: Any = None, catalog: Any = None
    ) -> None:
        """Start the clock; when a node takes :data:`TRACKING_CONFIG`, put the run's settings
        (its project path and Kedro environment) in the catalog under that name."""
        self._started = time.perf_counter()
        run_params = run_params or {}
        project, env = run_params.get("project_path") or ".", run_params.get("env")
        if pipeline is not None and catalog is not None and TRACKING_CONFIG in pipeline.inputs():
            catalog[TRACKING_CONFIG] = load_tracking_config(project, env)

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        project = Path(run_params.get("project_path") or ".")
        try:
            config = load_tracking_config(project, run_params.get("env"))
            if not config.enabled:
                return
            names = training_pipelines(pipeline, catalog)
            evaluate = "evaluate" in pipeline_names_of(pipeline) and "evaluate_scores" in catalog
            if not names and not evaluate:
                return
            seconds = round(time.perf_counter() - self._started, 3)
            context = {
                "env": str(run_params.get("env") or ""),
                "git_commit": git_commit(project),
                **dvc_data_hashes(project),
            }
            for name in names:
                log_training_runs(config, name, catalog.load(f"{name}_models"), context, seconds)
            if evaluate:
                log_test_metrics(config, catalog.load("evaluate_scores"))
        except Exception as exc:  # noqa: BLE001 - tracking must never fail a finished run
            logger.warning("MLflow tracking skipped: %s: %s", type(exc).__name__, exc)


def _client(config: TrackingConfig) -> Any:
    import mlflow

    ensure_store(config)
    mlflow.set_tracking_uri(config.tracking_uri)
    return mlflow


def _experiment(mlflow: Any, config: TrackingConfig) -> str:
    # refuses a store copied from another checkout (its artifacts would land there)
    return experiment_id(mlflow, config)


def log_training_runs(
    config: TrackingConfig,
    pipeline_name: str,
    handles: dict[str, Any],
    context: dict[str, str],
    pipeline_seconds: float,
) -> list[str]:
    """One finished MLflow run per model handle; returns the run ids."""
    mlflow = _client(config)
    experiment_id = _experiment(mlflow, config)
    run_ids = []
    for model_id, handle in sorted(handles.items()):
        card = handle.card()
        params = flatten("", card.params, {})
        params.update(family=card.family, features=card.features, pipeline=pipeline_name)
        val = card.val_metrics or {}
        metrics = {
            "val_accuracy": val.get("accuracy"),
            "val_roc_auc": val.get("roc_auc"),
            "val_rows": val.get("rows"),
            "train_rows": card.train_rows,
            "train_seconds": card.train_seconds,
            "size_bytes": card.size_bytes,
            "pipeline_seconds": pipeline_seconds,
        }
        tags = {
            "model_id": model_id,
            "pipeline": pipeline_name,
            "device": card.device,
            "data_hash": card.data_hash,
            "params_hash": card.params_hash,
            "interface": card.interface,
            **context,
        }
        with mlflow.start_run(experiment_id=experiment_id, run_name=model_id) as run:
            mlflow.set_tags(tags)
            mlflow.log_params({k: str(v)[:500] for k, v in sorted(params.items())})
            mlflow.log_metrics({k: float(v) for k, v in metrics.items() if _number(v)})
            if config.log_model_folders:
                mlflow.log_artifacts(str(handle.folder), artifact_path="model")
        run_ids.append(run.info.run_id)
        logger.info(
            "MLflow: %s logged as run %s (%s)", model_id, run.info.run_id, config.experiment
        )
    return run_ids


def log_test_metrics(config: TrackingConfig, scores: dict[str, Any]) -> int:
    """Add ``test_*`` metrics to each model's latest training run; how many runs got them."""
    mlflow = _client(config)
    experiment_id = _experiment(mlflow, config)
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=config.tracking_uri)
    updated = 0
    for model_id, metrics in sorted(scores.items()):
        if not isinstance(metrics, dict):
            continue
        runs = client.search_runs(
            [experiment_id],
            filter_string=f"tags.model_id = '{model_id}'",
            order_by=["attributes.start_time DESC"],
            max_results=1,
        )
        if not runs:
            continue
        for key, value in sorted(metrics.items()):
            if _number(value):
                client.log_metric(runs[0].info.run_id, f"test_{key}", float(value))
        updated += 1
    logger.info("MLflow: test metrics added to %d training runs", updated)
    return updated


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
