"""Dependencies point one way (DESIGN.md "Contracts"), read from the imports with ``ast``.

1. A library package (anything outside ``mlops_pipeline/pipelines``) never imports
   ``mlops_pipeline.pipelines``. Exceptions: the pipeline registry, and ``params``'s schema
   lookup (it finds ``pipelines/<name>/schema.py`` by name).
2. No pipeline imports another pipeline. Exception: the ``imdb`` composite (a sum of others).
3. No import cycle between the top-level packages and modules of ``mlops_pipeline``
   (``models``, ``evaluation``, ``registry``, ``tracking``, ``params``, ...).

Every import counts: those inside functions too, relative ones resolved, and
``importlib.import_module`` calls whose argument is a literal or an f-string whose fixed start
names a module of the package (a module-level string constant such as ``PACKAGE`` is
substituted). Calls whose argument cannot be read statically must be listed in
:data:`DYNAMIC_IMPORTS`, so a new one is a conscious choice.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "mlops_pipeline"

#: Library modules allowed to import ``<package>.pipelines`` (module -> why).
LIBRARY_TO_PIPELINES = {
    "pipeline_registry": "registers the pipelines (Kedro's find_pipelines)",
    "params": "schema lookup: pipelines/<name>/schema.py, imported by name",
}
#: Pipelines allowed to import other pipelines (pipeline -> why).
PIPELINE_TO_PIPELINE = {"imdb": "the composite: a sum of the text pipelines"}
#: ``import_module`` calls whose argument is not static (file -> why).
DYNAMIC_IMPORTS = {
    "models/discovery.py": "the class a model card names (restricted to the package)",
    "pipelines/imdb/__init__.py": "the composite imports the pipelines it sums",
}


@dataclass(frozen=True)
class Import:
    """One import of a package module: where it is and what it imports."""

    file: str  # relative to the package folder's parent (``mlops_pipeline/models/base.py``)
    line: int
    importer: str  # dotted module name
    target: str  # dotted module name (the longest prefix that is a module of the package)
    local: bool  # inside a function
    dynamic: bool = False  # an ``import_module`` call
    scope: int = 0  # first line of the innermost enclosing function (0: module level)

    def __str__(self) -> str:
        where = " (inside a function)" if self.local else ""
        how = "import_module" if self.dynamic else "imports"
        return f"{self.file}:{self.line} {how} {self.target}{where}"


# -- reading the imports ---------------------------------------------------------------------


def module_of(path: Path, src: Path) -> str:
    """Dotted module name of ``path`` under ``src`` (a package ``__init__`` is the package)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str, src: Path) -> bool:
    base = src.joinpath(*name.split("."))
    return (base / "__init__.py").is_file() or base.with_suffix(".py").is_file()


def longest_module(name: str, src: Path) -> str:
    """The longest prefix of dotted ``name`` that is a module or package under ``src``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if is_module(candidate, src):
            return candidate
    return name


def string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments (to read ``f"{PACKAGE}.x"``)."""
    found = {}
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.update({t.id: value.value for t in targets if isinstance(t, ast.Name)})
    return found


def static_prefix(arg: ast.expr, constants: dict[str, str]) -> tuple[str, bool]:
    """``(text, complete)``: the fixed start of a string expression and whether it is all of it."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value, True
    if not isinstance(arg, ast.JoinedStr):
        return "", False
    text = ""
    for part in arg.values:
        if isinstance(part, ast.Constant):
            text += str(part.value)
        elif (
            isinstance(part, ast.FormattedValue)
            and isinstance(part.value, ast.Name)
            and part.value.id in constants
            and part.format_spec is None
            and part.conversion == -1
        ):
            text += constants[part.value.id]
        else:
            return text, False
    return text, True


def is_import_module(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "import_module" and bool(call.args)


def imports_of(path: Path, src: Path, package: str) -> tuple[list[Import], list[Import]]:
    """``(imports, unreadable)``: the package modules ``path`` imports, and the
    ``import_module`` calls whose argument names no module statically."""
    tree = ast.parse(path.read_text(), filename=str(path))
    importer = module_of(path, src)
    own_package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    constants = string_constants(tree)
    rel = path.relative_to(src).as_posix()
    found: list[Import] = []
    unreadable: list[Import] = []

    def add(target: str, node: ast.AST, scope: int, dynamic: bool = False) -> None:
        found_here = Import(rel, node.lineno, importer, target, bool(scope), dynamic, scope)
        if (target == package or target.startswith(package + ".")) and found_here not in found:
            found.append(found_here)

    def visit(node: ast.AST, scope: int) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node, scope)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = own_package.split(".")[: len(own_package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                add(longest_module(f"{base}.{alias.name}", src), node, scope)
        elif isinstance(node, ast.Call) and is_import_module(node):
            text, complete = static_prefix(node.args[0], constants)
            if not complete:
                text = text.rpartition(".")[0]  # only the components that are fixed
            if text.split(".")[0] == package:
                add(longest_module(text, src), node, scope, dynamic=True)
            else:
                where = Import(rel, node.lineno, importer, text or "?", bool(scope), True, scope)
                unreadable.append(where)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            scope = node.lineno
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(tree, 0)
    return found, unreadable


def import_graph(src: Path, package: str) -> tuple[list[Import], list[Import]]:
    """Every import of a package module by a module of the package, and the unreadable ones."""
    found: list[Import] = []
    unreadable: list[Import] = []
    for path in sorted((src / package).rglob("*.py")):
        imports, dynamic = imports_of(path, src, package)
        found += imports
        unreadable += dynamic
    return found, unreadable


# -- the three rules -------------------------------------------------------------------------


def top_level(module: str, package: str) -> str | None:
    """``models`` for ``<package>.models.base``; ``None`` for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == package else None


def pipeline_of(module: str, package: str) -> str | None:
    """``drift`` for ``<package>.pipelines.drift.nodes``; ``None`` outside a pipeline."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == [package, "pipelines"] else None


def library_imports_of_pipelines(
    imports: list[Import], package: str, allowed: dict[str, str]
) -> list[Import]:
    """Imports of ``<package>.pipelines`` by modules outside it (not in ``allowed``)."""
    return [
        i
        for i in imports
        if top_level(i.importer, package) not in ("pipelines", None, *allowed)
        and top_level(i.target, package) == "pipelines"
    ]


def pipeline_imports_of_pipelines(
    imports: list[Import], package: str, allowed: dict[str, str]
) -> list[Import]:
    """Imports of another pipeline by a pipeline (not in ``allowed``)."""
    found = []
    for i in imports:
        source, target = pipeline_of(i.importer, package), pipeline_of(i.target, package)
        if source and target and source != target and source not in allowed:
            found.append(i)
    return found


def package_cycles(
    imports: list[Import], package: str, allowed: dict[str, str]
) -> list[list[tuple[str, str, list[Import]]]]:
    """Import cycles between top-level packages/modules, one per strongly connected group:
    ``[(from, to, the imports that make this edge), ...]``. The allowed library imports of
    the pipelines (registration by name) are not edges: they are the plugin direction."""
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for i in imports:
        a, b = top_level(i.importer, package), top_level(i.target, package)
        if a and b and a != b and not (a in allowed and b == "pipelines"):
            edges[(a, b)].append(i)
    succ: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)

    def reach(start: str) -> dict[str, str | None]:
        """Every node reachable from ``start`` (itself included) -> its BFS parent."""
        parent: dict[str, str | None] = {start: None}
        todo = [start]
        while todo:
            node = todo.pop(0)
            for nxt in sorted(succ[node]):
                if nxt not in parent:
                    parent[nxt] = node
                    todo.append(nxt)
        return parent

    cycles, done = [], set()
    for a in sorted(succ):
        if a in done:
            continue
        group = {b for b in reach(a) if a in reach(b)}
        done |= group
        # the shortest way back to ``a`` from one of its successors inside the group
        ways = []
        for b in sorted(succ[a] & group):
            parent = reach(b)
            path = [a]
            while path[-1] != b:
                path.append(parent[path[-1]])
            ways.append([a, *reversed(path)])  # a -> b -> ... -> a
        if ways:
            loop = min(ways, key=len)
            cycles.append([(x, y, edges[(x, y)]) for x, y in zip(loop, loop[1:], strict=False)])
    return cycles


def describe_cycle(cycle: list[tuple[str, str, list[Import]]]) -> str:
    names = " -> ".join([cycle[0][0], *(b for _, b, _ in cycle)])
    hops = "; ".join(f"{a} -> {b}: " + ", ".join(map(str, sites)) for a, b, sites in cycle)
    return f"import cycle {names} ({hops})"


# -- the project -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> tuple[list[Import], list[Import]]:
    return import_graph(SRC, PACKAGE)


def test_libraries_never_import_pipelines(graph):
    found = library_imports_of_pipelines(graph[0], PACKAGE, LIBRARY_TO_PIPELINES)
    assert not found, "a library imports a pipeline (move the shared code into a library):\n" + (
        "\n".join(map(str, found))
    )


def test_no_pipeline_imports_another(graph):
    found = pipeline_imports_of_pipelines(graph[0], PACKAGE, PIPELINE_TO_PIPELINE)
    assert not found, "a pipeline imports another pipeline (share through a library):\n" + (
        "\n".join(map(str, found))
    )


def test_no_import_cycle_between_packages(graph):
    cycles = package_cycles(graph[0], PACKAGE, LIBRARY_TO_PIPELINES)
    assert not cycles, "\n".join(map(describe_cycle, cycles))


def test_dynamic_imports_are_known(graph):
    unknown = [i for i in graph[1] if i.file.removeprefix(f"{PACKAGE}/") not in DYNAMIC_IMPORTS]
    assert not unknown, "import_module with an argument the import test cannot read:\n" + (
        "\n".join(map(str, unknown))
    )


def undocumented_local_imports(imports: list[Import], src: Path) -> list[Import]:
    """Function-local imports with no ``# why`` comment between their function's ``def`` and
    themselves (``import_module`` calls are dynamic by nature and not counted)."""
    found = []
    for i in imports:
        if i.local and not i.dynamic:
            lines = (src / i.file).read_text().splitlines()[i.scope - 1 : i.line]
            if not any("# why" in line for line in lines):
                found.append(i)
    return found


def test_function_local_imports_say_why(graph):
    found = undocumented_local_imports(graph[0], SRC)
    assert not found, (
        "a function-local import without a `# why` comment (import at module top unless a "
        "heavy optional dependency justifies it):\n" + "\n".join(map(str, found))
    )


def test_allowed_places_exist():
    for name in LIBRARY_TO_PIPELINES:
        assert is_module(f"{PACKAGE}.{name}", SRC), name
    for name in PIPELINE_TO_PIPELINE:
        assert is_module(f"{PACKAGE}.pipelines.{name}", SRC), name
    for name in DYNAMIC_IMPORTS:
        assert (SRC / PACKAGE / name).is_file(), name


# -- the checker catches what it should --------------------------------------------------------

FAKE = {
    "fake/__init__.py": "",
    "fake/params.py": 'PKG = "fake"\n'
    "def schema(n):\n    import importlib\n"
    '    return importlib.import_module(f"{PKG}.pipelines.{n}.schema")\n',
    "fake/lib/__init__.py": "",
    "fake/lib/a.py": "def f():\n    from fake.other import b\n\n\n"
    "def g():\n    # why local: a heavy dependency\n    from fake.other import b\n",
    "fake/lib/c.py": "from ..pipelines.one import nodes\n",
    "fake/other/__init__.py": "",
    "fake/other/b.py": "from ..lib import a\n",
    "fake/pipelines/__init__.py": "",
    "fake/pipelines/one/__init__.py": "",
    "fake/pipelines/one/nodes.py": "",
    "fake/pipelines/one/schema.py": "from fake import params\n",
    "fake/pipelines/two/__init__.py": "",
    "fake/pipelines/two/pipeline.py": "import importlib\n\n\n"
    "def make():\n    return importlib.import_module('fake.pipelines.one.nodes')\n",
    "fake/pipelines/both/__init__.py": "from ..one import nodes\nfrom ..two import pipeline\n",
    "fake/dyn.py": "import importlib\nimportlib.import_module(name)\n",
}


@pytest.fixture
def fake(tmp_path: Path) -> tuple[list[Import], list[Import]]:
    for name, text in FAKE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return import_graph(tmp_path, "fake")


def test_checker_finds_a_library_importing_a_pipeline(fake):
    found = library_imports_of_pipelines(fake[0], "fake", {"params": "schema lookup"})
    assert [str(i) for i in found] == ["fake/lib/c.py:1 imports fake.pipelines.one.nodes"]
    every = library_imports_of_pipelines(fake[0], "fake", {})
    assert "fake/params.py:4 import_module fake.pipelines (inside a function)" in map(str, every)


def test_checker_finds_a_pipeline_importing_another(fake):
    found = pipeline_imports_of_pipelines(fake[0], "fake", {"both": "composite"})
    assert [str(i) for i in found] == [
        "fake/pipelines/two/pipeline.py:5 import_module fake.pipelines.one.nodes (inside a function)"
    ]
    assert len(pipeline_imports_of_pipelines(fake[0], "fake", {})) == 3


def test_checker_finds_a_cycle_through_a_function_local_import(fake):
    cycles = package_cycles(fake[0], "fake", {"params": "schema lookup"})
    assert [describe_cycle(c) for c in cycles] == [
        "import cycle lib -> other -> lib (lib -> other: fake/lib/a.py:2 imports fake.other.b "
        "(inside a function), fake/lib/a.py:7 imports fake.other.b (inside a function); "
        "other -> lib: fake/other/b.py:1 imports fake.lib.a)"
    ]
    # without the schema-lookup exception, params <-> pipelines is a cycle too
    assert len(package_cycles(fake[0], "fake", {})) == 2


def test_checker_finds_a_local_import_without_a_reason(fake, tmp_path):
    assert [str(i) for i in undocumented_local_imports(fake[0], tmp_path)] == [
        "fake/lib/a.py:2 imports fake.other.b (inside a function)"
    ]


def test_checker_reports_an_unreadable_import_module(fake):
    assert [str(i) for i in fake[1]] == ["fake/dyn.py:2 import_module ?"]
