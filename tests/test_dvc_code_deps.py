"""Every stage of dvc.yaml lists the project code it runs, so editing that code reruns it.

The code a stage runs is found statically: the ``mlops_pipeline`` modules its pipeline package
and the dataset classes of its catalogs import, followed through every module they import
(imports inside functions included). A stage that misses one would be reported
"up to date" by ``dvc status`` after that module changed, and ``dvc.lock`` would lie.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "mlops_pipeline"
# Executed by any import of the package; they hold no stage logic (settings, registry glue).
ALWAYS_IMPORTED = {"src/mlops_pipeline/__init__.py", "src/mlops_pipeline/pipelines/__init__.py"}
STAGES = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]


def module_file(module: str) -> Path | None:
    """The file of a dotted ``mlops_pipeline`` module (package ``__init__`` or module)."""
    base = SRC.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    """Dotted names of the ``mlops_pipeline`` modules ``path`` imports (relative ones resolved)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    package = parts[:-1]  # the package of a module; of an __init__, the package itself
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == PACKAGE}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != PACKAGE:
                continue
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names if module_file(f"{base}.{a.name}")}
    # Importing a.b.c also executes a/__init__ and a/b/__init__; those are followed only when
    # imported by name (``from mlops_pipeline.models.bert import ...``): a package __init__
    # that re-exports its modules would otherwise make every stage depend on every module.
    return found


def catalog_modules(catalogs: list[str]) -> list[Path]:
    """Files of the project's dataset classes that ``catalogs`` name (``type: mlops_pipeline...``)."""
    pattern = rf"^\s*type:\s*({PACKAGE}(?:\.\w+)+)"
    names = {m for c in catalogs for m in re.findall(pattern, (ROOT / c).read_text(), re.M)}
    return sorted({f for n in names if (f := module_file(n) or class_file(n))})


def class_file(name: str) -> Path | None:
    """The file defining ``package.Class`` (a class re-exported by its package's __init__)."""
    package, cls = name.rsplit(".", 1)
    folder = SRC.joinpath(*package.split("."))
    defining = [f for f in sorted(folder.glob("*.py")) if f"class {cls}(" in f.read_text()]
    return defining[0] if defining else module_file(package)


def code_of(pipeline: str, catalogs: list[str] = ()) -> set[str]:
    """Repository-relative files of every module the pipeline package and its catalogs reach."""
    start = SRC / PACKAGE / "pipelines" / pipeline
    todo = list(start.glob("*.py")) + catalog_modules(list(catalogs))
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo += [f for m in imported_modules(path) if (f := module_file(m)) and f not in seen]
    return {str(p.relative_to(ROOT)) for p in seen}


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_deps_cover_the_code_it_runs(stage: str) -> None:
    spec = STAGES[stage]
    pipeline = re.search(r"--pipelines[ =](\S+)", spec["cmd"]).group(1)
    deps = [str(d).rstrip("/") for d in spec.get("deps", []) if isinstance(d, str)]
    catalogs = [d for d in deps if re.fullmatch(r"conf/base/catalog\w*\.yml", d)]
    missing = sorted(
        f
        for name in pipeline.split(",")
        for f in code_of(name, catalogs) - ALWAYS_IMPORTED
        if not any(f == d or f.startswith(d + "/") for d in deps)
    )
    assert not missing, f"dvc.yaml stage {stage!r}: add to its deps: {missing}"


def test_the_scan_follows_imports_inside_functions() -> None:
    # registry glue imported lazily must still count: the scan walks every ast node
    code = code_of("train_bert")
    assert "src/mlops_pipeline/models/bert/source.py" in code
    assert "src/mlops_pipeline/models/sequence_model.py" in code
