"""A temporary copy of the project with the synthetic archive in 01_raw (end-to-end tests).

A module of its own, not ``conftest``: ``tests/cluster/conftest.py`` would shadow a
``from conftest import ...`` depending on which conftest pytest imported first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from synthetic_imdb import write_archive

from mlops_pipeline.fetch_data import default_co2_path, export_co2

PROJECT_ROOT = Path(__file__).resolve().parents[1]
_COPIED = ["pyproject.toml", "conf", "src", "dvc.yaml", ".dvcignore", "requirements"]


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
