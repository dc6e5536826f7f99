"""The shape of the code, beside the import contracts `make lint` runs (pyproject.toml):
no module over 800 lines, and no two packages that import each other, counted with an
`ast` walk over bot/ and conversations/ (imports inside functions included)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 800


def modules() -> dict[str, Path]:
    found = {}
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("conversations/**/*.py")]:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(found: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (the longest name that is a module)."""
    def resolve(name: str) -> str | None:
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in found else base
                           for a in node.names]
            for target in targets:
                resolved = resolve(target)
                if resolved and resolved != name:
                    edges[name].add(resolved)
    return edges


def package_of(name: str, found: dict[str, Path]) -> str:
    parts = name.split(".")
    if parts[0] == "conversations":
        return "conversations"
    two = ".".join(parts[:2])
    return two if len(parts) >= 2 and found.get(two, Path()).name == "__init__.py" else name


def test_no_module_is_over_800_lines() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_two_packages_import_each_other() -> None:
    found = modules()
    between: dict[str, set[str]] = defaultdict(set)
    for source, targets in imports(found).items():
        for target in targets:
            a, b = package_of(source, found), package_of(target, found)
            if a != b:
                between[a].add(b)
    mutual = sorted({tuple(sorted((a, b))) for a in between for b in between[a]
                     if a in between.get(b, set())})
    assert mutual == []


def test_the_walk_sees_imports_inside_functions() -> None:
    """The counter itself: an import inside a function is an import."""
    found = modules()
    edges = imports(found)
    # bot.cli imports the content lint only inside a function (it is a tool).
    assert "bot.tools.content_lint" in edges["bot.cli"]
