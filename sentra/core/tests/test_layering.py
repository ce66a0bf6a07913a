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


def test_relative_imports_are_resolved():
    assert imported_apps("from ..registry import models", "sentra.audit.services") == [(1, "registry")]
    assert imported_apps("from . import scope", "sentra.accounts.views") == [(1, "accounts")]
