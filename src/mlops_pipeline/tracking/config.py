"""Where MLflow tracking and the registry live: ``conf/base/mlflow.yml`` (+ ``conf/<env>/``).

The embedded default is a SQLite backend and an artifact folder inside the project
(``mlflow/mlflow.db``, ``mlflow/artifacts/``; git-ignored), so nothing needs a server.
``MLFLOW_TRACKING_URI`` in the environment wins over the files: a tracking server works without
a code change. A SQLite URI from the environment keeps its artifacts beside the database file,
so a scratch store never spills into the project's artifact folder.

MLflow stores artifact locations as absolute paths in its database; an experiment whose
location is not this store's artifact folder (the ``mlflow/`` of a copied or moved checkout)
is refused (:func:`check_artifact_location`), so one checkout never writes into another.
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


def sqlite_file(config: TrackingConfig) -> Path | None:
    """The database file of a SQLite store (``None`` for a server)."""
    if config.tracking_uri.startswith("sqlite:///"):
        return Path(config.tracking_uri.removeprefix("sqlite:///"))
    return None


def store_exists(config: TrackingConfig) -> bool:
    """False only for a SQLite store whose file is not there yet (nothing configured or made)."""
    db = sqlite_file(config)
    return db is None or db.exists()


def ensure_store(config: TrackingConfig) -> None:
    """Create the folder of an embedded SQLite store (MLflow creates the file itself)."""
    db = sqlite_file(config)
    if db is not None:
        db.parent.mkdir(parents=True, exist_ok=True)


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(uri).path)).resolve()
    if "://" not in uri and uri:
        return Path(uri).resolve()
    return None


def check_artifact_location(
    config: TrackingConfig, stored: str, experiment: str | None = None
) -> None:
    """Refuse an experiment whose artifacts live outside this store's artifact folder.

    MLflow writes absolute artifact paths into its database, so the ``mlflow.db`` of a copied
    (or moved) checkout still points at the original checkout: runs and registered versions
    would be written into (or read from) that other project. Only stores with a local
    artifact folder are checked (a server decides its own locations)."""
    if config.artifact_location is None:
        return
    expected, found = _local_path(config.artifact_location), _local_path(stored)
    if found is None or found == expected:
        return
    name = experiment or config.experiment
    raise UserInputError(
        f"MLflow store {config.tracking_uri}: experiment {name!r} keeps its "
        f"artifacts in {found}, not in this store's {expected} (the store was copied or moved "
        "from another checkout; using it would write into that one). Use the original "
        "checkout, or set the copy aside (mv mlflow mlflow.copied) and start a fresh registry "
        "(python -m mlops_pipeline.registry init)"
    )


def experiment_id(client: Any, config: TrackingConfig, name: str | None = None) -> str:
    """The id of experiment ``name`` (default ``config.experiment``), created with the
    configured artifact root when absent, after :func:`check_artifact_location`. ``client``
    is the ``mlflow`` module or an ``MlflowClient`` (same two methods)."""
    name = name or config.experiment
    found = client.get_experiment_by_name(name)
    if found is None:
        return client.create_experiment(
            name, artifact_location=config.artifact_location, tags=EXPERIMENT_TAGS
        )
    check_artifact_location(config, found.artifact_location, name)
    return found.experiment_id
