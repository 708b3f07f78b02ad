"""A minimal Kedro project folder whose registry settings the cluster tests point at a server."""

from __future__ import annotations

from pathlib import Path


def project_root(root: Path, name: str) -> Path:
    """``root`` as a project with ``conf/base/mlflow.yml`` naming the registered model ``name``."""
    (root / "conf" / "base").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.kedro]\npackage_name = 'mlops_pipeline'\n")
    (root / "conf" / "base" / "mlflow.yml").write_text(f"mlflow:\n  registered_model: {name}\n")
    return root
