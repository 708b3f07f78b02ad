"""Kedro project settings (https://docs.kedro.org/en/stable/kedro_project_setup/settings.html)."""

from kedro.config import OmegaConfigLoader

from mlops_pipeline.hooks import NodeTimingHook, ParameterValidationHook, RunLockHook
from mlops_pipeline.run_summary import RunSummaryHook
from mlops_pipeline.tracking.hook import MlflowTrackingHook

# `conf/local` (git-ignored) merges into interactive runs only; DVC stages run with
# `--env base` so every setting that shapes a result is in a file DVC tracks.
CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

# pluggy calls the last-registered hook first: parameters are validated, then the run lock is
# taken (a run refused for bad parameters never holds a lock), both before any node runs.
# MlflowTrackingHook logs training runs to MLflow after the outputs are saved, while the run
# lock is still held (docs/registry.md). RunSummaryHook, registered first, runs last: the
# one-screen summary of `score` / `retrain` is the terminal's last output.
HOOKS = (
    RunSummaryHook(),
    RunLockHook(),
    MlflowTrackingHook(),
    ParameterValidationHook(),
    NodeTimingHook(),
)
