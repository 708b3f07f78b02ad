"""Shared fixtures: synthetic aclImdb data and a temporary copy of the project."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
# The embedded defaults: a team lock database in the shell never reaches `make test` (the tests
# marked `cluster` set their own, tests/cluster/conftest.py).
os.environ.pop("MLOPS_LOCK_URL", None)
sys.path.insert(0, str(Path(__file__).parent))

from project_copy import copy_project  # noqa: E402
from synthetic_imdb import build_files, write_archive  # noqa: E402


@pytest.fixture
def imdb_files() -> dict[str, bytes]:
    return build_files()


@pytest.fixture
def imdb_archive(tmp_path: Path, imdb_files: dict[str, bytes]) -> Path:
    return write_archive(tmp_path / "aclImdb_v1.tar.gz", imdb_files)


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
