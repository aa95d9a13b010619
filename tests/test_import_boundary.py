"""vision/ must stay Qt-free: import every vision module with PySide6 blocked."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import poise.vision

ROOT = Path(__file__).resolve().parents[1]


def test_every_vision_module_imports_without_qt():
    modules = sorted(m.name for m in pkgutil.walk_packages(poise.vision.__path__, "poise.vision.")
                     if not m.name.endswith(".__main__"))  # running, not importing
    assert "poise.vision.scoring" in modules and "poise.vision.analysis" in modules
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'pyqtgraph'):\n"
        "            raise ImportError(f'vision must not import {name}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith('PySide6') for k in sys.modules)\n"
        "print('ok', len(sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("ok")


# --- the import graph, read from the source (ast): module-level and function-level imports alike

import ast  # noqa: E402

# The card's folders and the package each one installs as (pyproject.toml's package-dir).
PACKAGE_DIRS = {"app": "poise.app", "vision": "poise.vision", "assets": "poise.assets"}
CLI = "poise.vision.cli"
# The `poise` command (pyproject's console script) owns the one argparse parser: it is the only
# module outside the CLI package that may import it.
CLI_ENTRY_POINT = "poise.app.launcher"


def _modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGE_DIRS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join([package, *parts])] = path
    return out


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """poise modules that ``module`` imports anywhere in its file (a name imported from a
    package counts as that submodule when it is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                     for a in node.names]
        else:
            continue
        found.update(n for n in names if n in known and n != module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {m: _imports(p, m, known) for m, p in modules.items()}


def test_the_graph_sees_the_packages():
    graph = _graph()
    assert "poise.vision.cli.main" in graph and "poise.app.main_window" in graph
    assert "poise.vision.reports.format" in graph["poise.app.theme"]


def test_nothing_outside_the_cli_imports_it():
    outside = {m: sorted(d for d in deps if d == CLI or d.startswith(CLI + "."))
               for m, deps in _graph().items() if not (m == CLI or m.startswith(CLI + "."))}
    offenders = {m: deps for m, deps in outside.items() if deps and m != CLI_ENTRY_POINT}
    assert not offenders, f"only {CLI_ENTRY_POINT} may import the CLI: {offenders}"


def test_no_import_cycles():
    """No cycle among poise modules, counting imports inside functions too (a function-level
    import does not make a cycle go away). Tarjan's strongly connected components."""
    graph = _graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"
