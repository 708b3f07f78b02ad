"""Defect 6 of issue 22: registered versions pin the project wheel stored with them.

Before: ``pip_requirements=["mlops-pipeline", "mlflow"]`` — a name no package index holds, so
anyone could publish it and an environment-restoring server would install theirs.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

from registry_fixtures import fresh_registry, registered

from mlops_pipeline.registry.wheel import project_wheel, source_hash, source_root


def _requirements(root) -> list[str]:
    return [line.strip() for line in (root / "requirements.txt").read_text().splitlines()]


def test_a_version_pins_its_stored_wheel_by_sha256_and_no_bare_name(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    root = registry.root(version)
    lines = _requirements(root)
    assert not [line for line in lines if re.fullmatch(r"[A-Za-z0-9_.-]+", line)], lines
    pinned = [line for line in lines if line.startswith("mlops-pipeline @ file:artifacts/")]
    assert len(pinned) == 1, lines
    path, digest = pinned[0].removeprefix("mlops-pipeline @ file:").split("#sha256=")
    wheel = root / path
    assert wheel.is_file() and hashlib.sha256(wheel.read_bytes()).hexdigest() == digest
    assert any(re.fullmatch(r"mlflow==[0-9][\w.]*", line) for line in lines)


def _pip_download(root, tmp_path):
    # what MLflow's env restore does: pip -r requirements.txt from inside the model folder
    tmp_path.mkdir(parents=True, exist_ok=True)
    requirements = tmp_path / "req.txt"
    requirements.write_text(
        "\n".join(x for x in _requirements(root) if x.startswith("mlops-pipeline"))
    )
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-index", "-q",
         "-d", str(tmp_path / "out"), "-r", str(requirements)],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_pip_installs_the_stored_wheel_only_while_its_hash_matches(tmp_path) -> None:
    registry = fresh_registry()
    version = registered(registry, tmp_path)
    root = registry.root(version)
    assert _pip_download(root, tmp_path).returncode == 0
    wheel = next((root / "artifacts").glob("mlops_pipeline-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")  # a swapped wheel in the store
    result = _pip_download(root, tmp_path / "again")
    assert result.returncode != 0 and "hash" in result.stderr.lower()


def test_the_wheel_is_cached_by_source_hash() -> None:
    first = project_wheel()
    assert first.parent.name == source_hash(source_root())[:16]
    assert project_wheel() == first
