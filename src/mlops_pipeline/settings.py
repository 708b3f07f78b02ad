"""Kedro project settings (https://docs.kedro.org/en/stable/kedro_project_setup/settings.html)."""

from kedro.config import OmegaConfigLoader

from mlops_pipeline.hooks import NodeTimingHook, ParameterValidationHook, RunLockHook

# `conf/local` (git-ignored) merges into interactive runs only; DVC stages run with
# `--env base` so every setting that shapes a result is in a file DVC tracks.
CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

# The run lock first: a refused run starts nothing. Parameters are validated before any node.
HOOKS = (RunLockHook(), ParameterValidationHook(), NodeTimingHook())
