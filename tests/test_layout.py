"""The layout of the code: which package may import which, no import circles, short modules.

The pipeline is readable from the folders only while imports keep flowing one way:
`api → viz → kg`, and inside `kg`: `build → check / link / report → store → data`. These tests
read every module's imports (at the top, inside functions and under TYPE_CHECKING alike) with
`ast`, so a new import against the direction fails here, with the module and line that made it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "api", "viz")
# Top-level packages: a package may import its own modules and those of lower rank.
TOP_RANK = {"kg": 0, "viz": 1, "api": 2}
# Stages inside kg: a stage may import its own modules and those of lower rank. check, link
# and report share a rank and do not import one another; draft (curation tools) and release
# (versions, changelogs, tables) sit beside build.
KG_RANK = {
    "data": 0, "store": 1, "check": 2, "link": 2, "report": 2, "build": 3, "draft": 3, "release": 3,
}  # fmt: skip
KG_STAGES = (
    "kg.data", "kg.check", "kg.store", "kg.link", "kg.report", "kg.build", "kg.draft", "kg.release",
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


MODULES = project_modules()


def resolve(name: str) -> str | None:
    """The project module an imported name lands in (`kg.store.Term` → `kg.store`)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> list[tuple[str, int]]:
    """Each project module `module` imports, with the line of the import."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from kg.link import linking` imports the module kg.link.linking.
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            names = [n if resolve(n) == n else base for n in names]
        else:
            continue
        for name in names:
            target = resolve(name)
            if target is not None and target != module:
                found.append((target, node.lineno))
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def top(module: str) -> str:
    return module.split(".")[0]


def kg_stage(module: str) -> str | None:
    """The stage of a kg module (`kg.store.remote` → `store`); None for `kg` itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_kg_module_belongs_to_a_stage() -> None:
    loose = [
        m for m in MODULES
        if top(m) == "kg" and m != "kg" and not m.startswith(tuple(s + "." for s in KG_STAGES))
        and m not in KG_STAGES
    ]
    assert not loose, f"kg modules outside the stage packages {KG_STAGES}: {loose}"


def test_imports_flow_api_viz_kg() -> None:
    against = [
        f"{MODULES[m].relative_to(ROOT)}:{line} imports {target}"
        for m, targets in GRAPH.items()
        for target, line in targets
        if TOP_RANK[top(target)] > TOP_RANK[top(m)]
    ]
    assert not against, "imports against api → viz → kg:\n" + "\n".join(against)


def test_imports_inside_kg_flow_build_check_store_data() -> None:
    against = []
    for m, targets in GRAPH.items():
        if top(m) != "kg" or kg_stage(m) is None:
            continue
        for target, line in targets:
            if top(target) != "kg":
                continue
            here, there = kg_stage(m), kg_stage(target)
            if there is None or here == there:
                continue
            if KG_RANK[there] >= KG_RANK[here]:
                against.append(f"{MODULES[m].relative_to(ROOT)}:{line} imports {target}")
    assert not against, (
        "imports against build → check/link/report → store → data:\n" + "\n".join(against)
    )


def find_cycle() -> list[str] | None:
    """One import circle among the project's modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target, _line in GRAPH[module]:
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle()
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_the_checks_would_see_a_bad_import() -> None:
    """The graph the tests read is the real one: known imports are in it."""
    assert any(t == "kg.data.loader" for t, _ in GRAPH["kg.build"])
    assert any(t == "kg.store" for t, _ in GRAPH["api.app"])
    assert any(t == "viz.render" for t, _ in GRAPH["api.graphviews"])


@pytest.mark.parametrize("stage", KG_STAGES)
def test_stage_packages_exist(stage: str) -> None:
    assert stage in MODULES, f"{stage} is missing"


MAX_LINES = 400


def test_no_module_passes_400_lines() -> None:
    """A module past ~400 lines usually holds two jobs; split it where they part."""
    long = {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules past {MAX_LINES} lines: {long}"
