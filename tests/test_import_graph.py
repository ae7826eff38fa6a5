"""The package's import graph: no cycles, and no import that runs back up the layers.

Every module belongs to one layer (by its dotted name or the package it sits in); a module
may import from its own layer and the layers below, never from a layer above. A new module
that no layer claims fails the test until it is placed, so the layering stays written down.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analysis"

LAYERS = {
    "foundation": [
        "analysis",
        "analysis.paths",
        "analysis.errors",
        "analysis.rules",
        "analysis.schema",
        "analysis.pct",
        "analysis.load",
        "analysis.frames",
        "analysis.hashing",
        "analysis.mappings",
        "analysis.atomic",
    ],
    "reading and counting": [
        "analysis.sources",
        "analysis.validate",
        "analysis.names",
        "analysis.registry",
        "analysis.variants",
        "analysis.search",
        "analysis.sectors",
        "analysis.applicants",
        "analysis.counting",
        "analysis.ranking",
        "analysis.cache",
        "analysis.dataset",
        "analysis.details",
        "analysis.published",
        "analysis.coverage",
        "analysis.fields",
        "analysis.partners",
    ],
    "writing": [
        "analysis.fonts",
        "analysis.markup",
        "analysis.tables",
        "analysis.profile",
        "analysis.narrative",
        "analysis.narrative_zh",
        "analysis.summary",
        "analysis.charts",
        "analysis.card",
        "analysis.present",
        "analysis.ipython",
        "analysis.reports",
        "analysis.execute",
        "analysis.export_html",
        "analysis.manifest",
        "analysis.render",
        "analysis.index",
        "analysis.build",
        "analysis.notebooks",
    ],
    "command line": ["analysis.cli", "analysis.__main__"],
}
LEVEL = {module: level for level, modules in enumerate(LAYERS.values()) for module in modules}
LAYER_NAMES = list(LAYERS)


def module_names():
    """Every module of the package by dotted name, with its file."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


MODULES = module_names()


def level_of(module):
    """The layer of a module: its own entry, else that of the nearest package that has one."""
    parts = module.split(".")
    for prefix in (".".join(parts[:end]) for end in range(len(parts), 1, -1)):
        if prefix in LEVEL:
            return LEVEL[prefix]
    return LEVEL.get(module)


def imports(module, top_level_only):
    """The package's modules that ``module`` imports (at module level only, if asked)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES and name != module}


def test_every_module_has_a_layer():
    unplaced = [module for module in MODULES if level_of(module) is None]
    assert not unplaced, f"place these modules in a layer of LAYERS: {unplaced}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_back_up_the_layers(module):
    upward = [
        f"{imported} ({LAYER_NAMES[level_of(imported)]})"
        for imported in sorted(imports(module, top_level_only=False))
        if level_of(imported) > level_of(module)
    ]
    assert not upward, f"{module} ({LAYER_NAMES[level_of(module)]}) imports from a layer above: {upward}"


def find_cycle(graph):
    """Return one cycle of ``graph`` as a list of nodes, or None (depth-first search)."""
    state = {}
    path = []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                return path[path.index(following) :] + [following]
            if following not in state and (cycle := visit(following)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_module_level_imports_have_no_cycle():
    """Imports inside functions are left out: a registry that imports its entries when asked
    (``sources._formats``) is how the entries can import the registry's types."""
    graph = {module: imports(module, top_level_only=True) for module in MODULES}
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph))}"


def test_find_cycle_finds_one():
    """The cycle finder itself: a graph with a cycle is caught, one without is not."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
