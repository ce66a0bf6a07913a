"""Audit knows no domain: links (a centre's villages and members, an activity's locations and
beneficiaries) reach the history through audit.links, registered by their own apps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sentra.audit.links import link_labels, links_for, read_links

AUDIT = Path(__file__).resolve().parents[1]
# The layers above audit: the domain apps and the channels (README, "layers point down").
HIGHER = ("sentra.registry", "sentra.programmes", "sentra.analytics", "sentra.web", "sentra.api")


def imported_modules(source: str, package: str) -> set[str]:
    """Every module a source imports, at its top or inside a function, relative imports resolved."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, (base, node.module)))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def audit_sources() -> dict[str, tuple[str, str]]:
    """{path: (source, package)} of every audit module but the tests."""
    found = {}
    for path in AUDIT.rglob("*.py"):
        parts = path.relative_to(AUDIT).parts
        if "tests" not in parts:
            package = ".".join(("sentra", "audit", *parts[:-1]))
            found[str(path.relative_to(AUDIT))] = (path.read_text(encoding="utf-8"), package)
    return found


def test_audit_imports_no_domain_app_nor_channel():
    offending = {
        path: sorted(m for m in imported_modules(source, package) if m.startswith(HIGHER))
        for path, (source, package) in audit_sources().items()
    }
    assert {path: found for path, found in offending.items() if found} == {}


def test_the_finder_sees_imports_inside_functions():
    """The check above would pass vacuously if it missed a late import inside a function."""
    source = "def f():\n    from sentra.registry.models import Centre\n    from ..x import y\n"
    found = imported_modules(source, "sentra.audit.sub")
    assert {"sentra.registry.models", "sentra.audit.x"} <= found


def test_the_domain_apps_register_their_links_from_their_own_app():
    from sentra.programmes.models import Activity
    from sentra.registry.models import Centre, Enterprise

    assert links_for(Centre).fields == ("village_codes", "member_ids")
    assert links_for(Activity).fields == ("locations", "centres", "enterprises")
    assert links_for(Enterprise) is None
    assert set(link_labels(Centre)) == {"village_codes", "member_ids"}


@pytest.mark.django_db
def test_a_snapshot_carries_the_links_and_an_unsaved_record_has_none():
    from sentra.audit.services import snapshot
    from sentra.registry.models import Centre
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    centre = CentreFactory(villages=["64.09.01.1002", "64.09.01.1001"])
    member = EnterpriseFactory()
    centre.memberships.create(enterprise=member)
    taken = snapshot(centre)
    assert taken["village_codes"] == ["64.09.01.1001", "64.09.01.1002"]
    assert taken["member_ids"] == [member.pk]
    assert read_links(Centre(name="baru")) == {}


def test_a_linked_record_is_named_with_its_id_even_when_the_id_appears_in_its_name(db):
    from sentra.audit.links import _named
    from sentra.regions.models import Region
    from sentra.registry.tests.factories import EnterpriseFactory

    unit = EnterpriseFactory()
    unit.name = f"UD Amplang Sejahtera {unit.pk}{unit.pk}"
    assert _named(unit) == f"UD Amplang Sejahtera {unit.pk}{unit.pk} ({unit.pk})"
    village = Region.objects.get(code="64.09.01.1002")
    assert _named(village) == str(village)  # a region's name starts with its code already
