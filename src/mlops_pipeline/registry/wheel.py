"""The project's own wheel, shipped inside every registered version (supply chain, issue 22).

A version's ``requirements.txt`` used to name ``mlops-pipeline`` bare: a name no package index
holds, so anyone could publish it and an environment-restoring server (``mlflow models serve``
without ``--env-manager local``) would install theirs. Now each version carries the wheel
built from the source it was registered with (artifact ``project_wheel``) and pins it by
content::

    mlops-pipeline @ file:artifacts/mlops_pipeline-0.1.0-py3-none-any.whl#sha256=<hex>
    mlflow==<the version that logged it>

MLflow installs a model's requirements from inside the model folder, so the relative path
resolves to the stored wheel, and pip refuses it when its SHA-256 differs from the pin.

The wheel is built with ``pip wheel --no-deps --no-build-isolation`` (the environment's own
setuptools; no network) from a copy of ``pyproject.toml``, ``README.md`` and ``src/`` in a
temporary folder, so the checkout gets no ``build/`` or ``*.egg-info`` litter. Builds are cached
by the SHA-256 of those sources under ``.scratch/wheels/<hash>/`` of the source tree (about 6 s
the first time, nothing after). ``SOURCE_DATE_EPOCH`` fixes the timestamps inside the zip, so
the same sources give the same wheel bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mlops_pipeline.errors import UserInputError

PACKAGE = "mlops_pipeline"
DISTRIBUTION = "mlops-pipeline"
WHEEL_ARTIFACT = "project_wheel"
#: Fixed zip timestamps (1980-01-01, the earliest a zip can hold): reproducible wheel bytes.
SOURCE_DATE_EPOCH = "315532800"
_TOP_FILES = ("pyproject.toml", "README.md")


def source_root() -> Path:
    """The source tree this package is imported from (``<root>/src/mlops_pipeline``)."""
    package = Path(__file__).resolve().parents[1]
    root = package.parents[1]
    if package.parent.name != "src" or not (root / "pyproject.toml").is_file():
        raise UserInputError(
            f"cannot build the {DISTRIBUTION} wheel: {package} is not inside a source tree "
            "(src/ + pyproject.toml); register from a checkout installed with `pip install -e .`"
        )
    return root


def _sources(root: Path) -> list[Path]:
    files = [root / name for name in _TOP_FILES if (root / name).is_file()]
    for path in sorted((root / "src" / PACKAGE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files.append(path)
    return files


def source_hash(root: Path) -> str:
    """SHA-256 over the relative names and bytes of every file the wheel is built from."""
    digest = hashlib.sha256()
    for path in _sources(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def project_wheel(root: Path | None = None) -> Path:
    """The wheel of the current sources (built, or taken from the cache of that source hash)."""
    root = source_root() if root is None else Path(root)
    cache = root / ".scratch" / "wheels" / source_hash(root)[:16]
    found = sorted(cache.glob(f"{PACKAGE}-*.whl")) if cache.is_dir() else []
    if found:
        return found[0]
    with tempfile.TemporaryDirectory(prefix="wheel-") as tmp:
        tree = Path(tmp) / "tree"
        for path in _sources(root):
            target = tree / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                   "--no-index", "--quiet", "--wheel-dir", str(out), str(tree)]  # fmt: skip
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PIP_NO_INPUT": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        wheels = sorted(out.glob(f"{PACKAGE}-*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel written"]
            raise UserInputError(
                f"building the {DISTRIBUTION} wheel from {root} failed ({last[0]}); run "
                f"`{sys.executable} -m pip wheel --no-deps --no-build-isolation {root}` to see why"
            )
        cache.mkdir(parents=True, exist_ok=True)
        staged = cache / f".{wheels[0].name}.tmp"
        shutil.copy2(wheels[0], staged)
        os.replace(staged, cache / wheels[0].name)
    return cache / wheels[0].name


def pinned_requirements(wheel: Path) -> list[str]:
    """``requirements.txt`` of a version: the stored wheel pinned by its SHA-256, and mlflow
    at the version that logged it (its other dependencies come from the wheel's metadata)."""
    import mlflow

    return [
        f"{DISTRIBUTION} @ file:artifacts/{wheel.name}#sha256={sha256_file(wheel)}",
        f"mlflow=={mlflow.__version__}",
    ]
