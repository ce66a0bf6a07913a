"""The layers of docs/architecture.md, checked on every import statement of every module (ast, so an
import inside a function counts as much as one at the top).

    web, api                                  the channels: may import everything below
    domain apps (registry, programmes, …)     never import web or api
    workflow: accounts, audit, verification, agencies
    base: core, regions                       never import a domain app (nor web or api)

Workflow and base apps never import a domain app: a domain plugs into them (import kinds, demo
steps, audit links, the permission table's areas) by registering from its own AppConfig.ready().
Core sits under the workflow apps, except for the shared mechanisms that run as an Actor and leave
history (CORE_MAY_USE_WORKFLOW: background jobs, import kinds, the `sentra import` command).

Decided exemptions: test modules (a test of the audit trail may create an IKM to audit) and the
composition root at the top of the package (settings, urls, cli, celery, conftest), which wires
every app together. Migrations are code like any other. A new app is a domain app unless listed
below: the rule covers the domains to come (coordination, facilitators…) without editing this file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sentra

PACKAGE = Path(sentra.__file__).parent
CHANNELS = frozenset({"web", "api"})
WORKFLOW = frozenset({"accounts", "audit", "verification", "agencies"})
BASE = frozenset({"core", "regions"})
# Modules at the top of the package, which import every app by design.
ROOT_MODULES = frozenset({"settings", "urls", "cli", "celery", "conftest", "wsgi", "__main__", "locale"})
# Core modules that run as an Actor and write history: they may use the workflow layer.
CORE_MAY_USE_WORKFLOW = ("jobs.py", "import_kinds.py", "management/")


def apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def domains() -> set[str]:
    return apps() - CHANNELS - WORKFLOW - BASE


def imported_apps(source: str, module: str) -> list[tuple[int, str]]:
    """(line, app) for every import of another sentra app in a module's source. `module` is the
    dotted name of the module (to resolve relative imports)."""
    found = []
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
                if names[0] == "sentra":  # from sentra import registry
                    names = [f"sentra.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "sentra":
                found.append((node.lineno, parts[1]))
    return found


def forbidden(app: str, relative: str, target: str) -> str | None:
    """Why `app` (at `relative`, its path inside the app) may not import `target`; None if it may."""
    if target == app or target in ROOT_MODULES:
        return None
    if app in CHANNELS:
        return None
    if app in BASE | WORKFLOW and target not in BASE | WORKFLOW:
        return f"{app} is below the domain apps and the channels"
    if app in domains() and target in CHANNELS:
        return "a domain app never imports the web or the API"
    if app in BASE and target in WORKFLOW:
        if app == "core" and relative.startswith(CORE_MAY_USE_WORKFLOW):
            return None
        return (
            f"{app} is below the workflow apps (only core's {', '.join(CORE_MAY_USE_WORKFLOW)} may use them)"
        )
    return None


def check_module(path: Path) -> list[str]:
    relative = path.relative_to(PACKAGE)
    app, inner = relative.parts[0], "/".join(relative.parts[1:])
    if len(relative.parts) < 2 or app in ROOT_MODULES or "tests" in relative.parts:
        return []
    module = ".".join(("sentra", *relative.with_suffix("").parts))
    problems = []
    for line, target in imported_apps(path.read_text(encoding="utf-8"), module):
        why = forbidden(app, inner, target)
        if why:
            problems.append(f"sentra/{relative}:{line} imports sentra.{target}: {why}")
    return problems


def test_every_module_respects_the_layers():
    problems = [problem for path in sorted(PACKAGE.rglob("*.py")) for problem in check_module(path)]
    assert problems == []


def test_the_known_domains_are_domains():
    assert {"registry", "programmes", "analytics"} <= domains()


@pytest.mark.parametrize(
    ("app", "relative", "source", "broken"),
    [
        ("registry", "services.py", "from sentra.web import forms", True),
        ("programmes", "selectors.py", "def f():\n    from sentra.api.schemas import Id\n", True),
        ("analytics", "selectors.py", "import sentra.web.views", True),
        ("audit", "services.py", "from sentra.registry.models import Centre", True),
        ("accounts", "scope.py", "from sentra import programmes", True),
        ("core", "exports.py", "from sentra.accounts.scope import Actor", True),
        ("core", "import_kinds.py", "from sentra.registry.imports import EnterpriseSchema", True),
        ("regions", "services.py", "from sentra.registry.models import Enterprise", True),
        ("core", "import_kinds.py", "from sentra.accounts.scope import Actor", False),
        ("registry", "services.py", "from sentra.audit.services import record_change", False),
        ("programmes", "services.py", "from sentra.registry.models import Centre", False),
        ("web", "views/registry.py", "from sentra.registry import services", False),
    ],
)
def test_the_check_catches_what_it_must(app, relative, source, broken):
    module = ".".join(("sentra", app, *Path(relative).with_suffix("").parts))
    verdicts = [forbidden(app, relative, target) for _line, target in imported_apps(source, module)]
    assert verdicts and any(verdicts) == broken


def demo_module(dotted: str) -> tuple[str, str] | None:
    """(app, module) when `dotted` names a demo module of a domain app (`sentra.<app>.demo` or
    `sentra.<app>.demo_*`, also when a name is imported from it), else None."""
    parts = dotted.split(".")
    if len(parts) >= 3 and parts[0] == "sentra" and parts[1] in domains():
        if parts[2] == "demo" or parts[2].startswith("demo_"):
            return parts[1], parts[2]
    return None


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, dotted name) for every sentra module a module's source imports, relative imports resolved;
    `from sentra.x import y` gives both `sentra.x` and `sentra.x.y` (y may be a module)."""
    found = []
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level] if node.level else []
            parent = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, parent))
            found.extend((node.lineno, f"{parent}.{alias.name}") for alias in node.names)
    return [(line, name) for line, name in found if name.startswith("sentra.")]


def demo_imports_of(app: str, module: str, source: str) -> list[str]:
    """Another domain's demo modules a module of `app` imports: each domain's demo step reads what the
    earlier steps wrote from the database and shares helpers through agencies, regions or core."""
    found = []
    for line, name in imported_modules(source, module):
        target = demo_module(name)
        if target and target[0] != app:
            found.append(f"{module}:{line} imports sentra.{target[0]}.{target[1]}")
    return sorted(set(found))


def test_no_domain_imports_another_domains_demo():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) < 2 or relative.parts[0] not in domains() or "tests" in relative.parts:
            continue
        module = ".".join(("sentra", *relative.with_suffix("").parts))
        problems += demo_imports_of(relative.parts[0], module, path.read_text(encoding="utf-8"))
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("sentra.programmes.demo", "from sentra.registry.demo import _person", True),
        ("sentra.programmes.demo", "from sentra.registry import demo_facts as facts", True),
        ("sentra.coordination.demo", "def f():\n    import sentra.registry.demo\n", True),
        ("sentra.coordination.services", "from ..programmes.demo import demo_fiscal_year", True),
        ("sentra.programmes.demo", "from sentra.agencies.demo import province_agencies", False),
        ("sentra.programmes.demo", "from sentra.core.demo import person_name", False),
        ("sentra.programmes.demo", "from sentra.regions.demo import PROVINCE_WEIGHTS", False),
        ("sentra.registry.demo", "from . import demo_facts as facts", False),
        ("sentra.programmes.demo", "from sentra.registry.models import Centre", False),
    ],
)
def test_the_demo_check_catches_what_it_must(module, source, broken):
    assert bool(demo_imports_of(module.split(".")[1], module, source)) == broken


def test_relative_imports_are_resolved():
    assert imported_apps("from ..registry import models", "sentra.audit.services") == [(1, "registry")]
    assert imported_apps("from . import scope", "sentra.accounts.views") == [(1, "accounts")]
