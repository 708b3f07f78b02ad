"""Where MLflow tracking and the registry live: ``conf/base/mlflow.yml`` (+ ``conf/<env>/``).

The embedded default is a SQLite backend and an artifact folder inside the project
(``mlflow/mlflow.db``, ``mlflow/artifacts/``; git-ignored), so nothing needs a server.
``MLFLOW_TRACKING_URI`` in the environment wins over the files: a tracking server works without
a code change. A SQLite URI from the environment keeps its artifacts beside the database file,
so a scratch store never spills into the project's artifact folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlops_pipeline.errors import UserInputError

CONFIG_FILE = "mlflow.yml"
#: Tags of an experiment this project creates (training runs and the registry's runs): the
#: MLflow UI then opens it on its runs table (not the GenAI overview).
EXPERIMENT_TAGS = {"mlflow.experimentKind": "custom_model_development"}
DEFAULTS: dict[str, Any] = {
    "store_dir": "mlflow",
    "tracking_uri": None,
    "experiment": "sentiment",
    "registered_model": "sentiment-classifier",
    "log_model_folders": True,
    "enabled": True,
}


@dataclass(frozen=True)
class TrackingConfig:
    """Resolved MLflow settings: absolute URIs, names, switches."""

    tracking_uri: str
    artifact_location: str | None  # file URI of the artifact root; None: the server decides
    experiment: str
    registered_model: str
    log_model_folders: bool = True
    enabled: bool = True


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise UserInputError(f"{path}: not valid YAML ({exc}); fix the file") from None
    section = data.get("mlflow", {}) if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise UserInputError(f"{path}: expected a top-level `mlflow:` mapping")
    unknown = sorted(set(section) - set(DEFAULTS))
    if unknown:
        raise UserInputError(
            f"{path}: unknown key(s) mlflow.{', mlflow.'.join(unknown)}; allowed: "
            f"{', '.join(sorted(DEFAULTS))}"
        )
    return section


def sqlite_uri(store_dir: Path) -> str:
    return f"sqlite:///{store_dir.resolve() / 'mlflow.db'}"


def _beside_sqlite(uri: str) -> str | None:
    if uri.startswith("sqlite:///"):
        return (Path(uri.removeprefix("sqlite:///")).parent / "artifacts").resolve().as_uri()
    return None


def load_tracking_config(
    project_path: str | Path = ".", env: str | None = None, *, environ: Any = None
) -> TrackingConfig:
    """Settings for ``env`` (``base`` values, then ``conf/<env>/mlflow.yml``, then the env var)."""
    root = Path(project_path).resolve()
    settings = dict(DEFAULTS)
    settings.update(_read(root / "conf" / "base" / CONFIG_FILE))
    if env and env != "base":
        settings.update(_read(root / "conf" / env / CONFIG_FILE))
    environ = os.environ if environ is None else environ
    store = root / str(settings["store_dir"])
    if environ.get("MLFLOW_TRACKING_URI"):
        uri = environ["MLFLOW_TRACKING_URI"]
        artifacts = _beside_sqlite(uri)
    elif settings["tracking_uri"]:
        uri, artifacts = str(settings["tracking_uri"]), _beside_sqlite(settings["tracking_uri"])
    else:
        uri, artifacts = sqlite_uri(store), (store / "artifacts").resolve().as_uri()
    return TrackingConfig(
        tracking_uri=uri,
        artifact_location=artifacts,
        experiment=str(settings["experiment"]),
        registered_model=str(settings["registered_model"]),
        log_model_folders=bool(settings["log_model_folders"]),
        enabled=bool(settings["enabled"]),
    )


def ensure_store(config: TrackingConfig) -> None:
    """Create the folder of an embedded SQLite store (MLflow creates the file itself)."""
    if config.tracking_uri.startswith("sqlite:///"):
        Path(config.tracking_uri.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
