"""Shared fixtures: synthetic aclImdb data and a temporary copy of the project."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
# The embedded defaults: a team lock database in the shell never reaches `make test` (the tests
# marked `cluster` set their own, tests/cluster/conftest.py).
os.environ.pop("MLOPS_LOCK_URL", None)
sys.path.insert(0, str(Path(__file__).parent))

from synthetic_imdb import build_files, write_archive  # noqa: E402

from mlops_pipeline.fetch_data import default_co2_path, export_co2  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
_COPIED = ["pyproject.toml", "conf", "src", "dvc.yaml", ".dvcignore", "requirements"]


@pytest.fixture
def imdb_files() -> dict[str, bytes]:
    return build_files()


@pytest.fixture
def imdb_archive(tmp_path: Path, imdb_files: dict[str, bytes]) -> Path:
    return write_archive(tmp_path / "aclImdb_v1.tar.gz", imdb_files)


def copy_project(dest: Path) -> Path:
    """Copy what a Kedro/DVC run needs into ``dest`` with the synthetic archive in 01_raw."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in _COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, dest / name)
    (dest / "conf" / "local").mkdir(parents=True, exist_ok=True)
    for layer in (
        "01_raw",
        "02_intermediate",
        "03_primary",
        "04_feature",
        "05_model_input",
        "06_models",
        "07_model_output",
        "08_reporting",
    ):
        (dest / "data" / layer).mkdir(parents=True, exist_ok=True)
    write_archive(dest / "data" / "01_raw" / "aclImdb_v1.tar.gz")
    # the `timeseries` default series, as `make data` writes it (path from conf/base/globals.yml)
    export_co2(dest / default_co2_path(dest / "conf" / "base" / "globals.yml"))
    return dest


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session", autouse=True)
def mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One temporary MLflow store (SQLite + artifacts) for the whole session (issue 16).

    ``MLFLOW_TRACKING_URI`` wins over ``conf/*/mlflow.yml``, so no test and no Kedro run of a
    test ever writes the project's store. The database is created on first use only (MLflow's
    migrations take seconds); tests isolate themselves by registered-model name.
    """
    store = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{store / 'mlflow.db'}"
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = uri
    yield uri
    if previous is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = previous
