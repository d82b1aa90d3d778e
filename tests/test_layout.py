"""The plugins' shape: no import cycle between modules, no module over 400 lines, and
the README's drawing of the folders names every package there is."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PLUGINS = ROOT / "plugins"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PLUGINS.rglob("*.py")):
        parts = path.relative_to(PLUGINS).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules `name` imports when it is imported: module-level statements only (an
    import inside a function runs later, when every module is loaded)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            submodules = {f"{source}.{alias.name}" for alias in node.names} & set(modules)
            # `from . import x` loads the module x; `from .x import y` loads x.
            found |= submodules or ({source} & set(modules))
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & set(modules)
    return found - {name}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep not in state and (found := visit(dep, [*path, dep])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert "alerts.plugin" in graph["alerts"], "the checker no longer sees imports"
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_checker_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(ROOT)): n for path in PLUGINS.rglob("*.py")
            if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_readme_drawing_names_every_package():
    readme = (ROOT / "README.md").read_text("utf-8")
    drawing = readme[readme.index("## How it fits together"):]
    packages = sorted(str(p.parent.relative_to(ROOT)) + "/"
                      for p in PLUGINS.rglob("__init__.py"))
    missing = [p for p in packages if p not in drawing]
    assert missing == []
