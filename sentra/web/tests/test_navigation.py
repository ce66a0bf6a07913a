"""The grouped main menu (issue 14.4): groups by what people come to do, each role shown only the groups
and entries it may use, the utilities last, and a Menu button for small screens."""

from __future__ import annotations

import re

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.web.navigation import GROUPS, Entry, Group, menu

pytestmark = pytest.mark.django_db


class May(dict):
    """A stand-in for the `may` flags: the keys it knows, and False for what it does not grant."""


def test_groups_come_in_order_with_the_utilities_last():
    assert [g.key for g in GROUPS] == ["registry", "programmes", "coordination", "facilitators", "analysis"]
    may = May({"list": True, "programmes_list": True, "import": True, "verification": True})
    groups, utilities = menu(may, "/ikm/")
    # Without the coordination and facilitators flags their groups are hidden.
    assert [g.key for g in groups] == ["registry", "programmes", "analysis"]
    assert [u.key for u in utilities] == ["import_upload", "verification_queue", "notifications", "account"]
    registry = groups[0]
    assert registry.active and [link.active for link in registry.links] == [True, False, False]
    assert not groups[1].active


def test_an_entry_the_role_may_not_use_or_a_page_that_does_not_exist_is_not_shown(monkeypatch):
    may = May({"list": True, "programmes_list": False, "import": False, "verification": False})
    groups, utilities = menu(may, "/")
    assert "programmes" not in [g.key for g in groups]
    assert [u.key for u in utilities] == ["notifications", "account"]
    # A group waiting for its app: an entry whose page does not exist, or whose flag is unknown.
    waiting = Group(
        "coordination",
        "Koordinasi",
        (
            Entry("Belum ada", "web:no_such_page", "/belum/", "list"),
            Entry("IKM", "web:enterprise_list", "/ikm/", "x"),
        ),
    )
    monkeypatch.setattr("sentra.web.navigation.GROUPS", (waiting,))
    assert menu(may, "/")[0] == []


def _menu(page: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)


@pytest.mark.parametrize(
    ("role", "groups", "utilities"),
    [
        (
            Role.MINISTRY_ANALYST,
            ["registry", "programmes", "coordination", "facilitators", "analysis"],
            ["notifications", "account"],
        ),
        (
            Role.FACILITATOR,
            ["registry", "programmes", "coordination", "facilitators", "analysis"],
            ["notifications", "account"],
        ),
        (
            Role.REGENCY_OFFICER,
            ["registry", "programmes", "coordination", "facilitators", "analysis"],
            ["import_upload", "verification_queue", "notifications", "account"],
        ),
    ],
)
def test_each_role_sees_its_groups_on_every_page(client, regency_agency, role, groups, utilities):
    client.force_login(persona(role, agency=regency_agency))
    page = client.get("/ikm/").content.decode()
    nav = _menu(page)
    assert re.findall(r'<details class="nav-group[^"]*" data-group="([a-z]+)"', nav) == groups
    assert re.findall(r'<span class="nav-utilities">.*', nav, re.S)
    shown = re.findall(r'data-nav="([a-z_]+)"', nav.split('class="nav-utilities"')[1])
    assert shown == utilities
    # The current page's group is marked, the entry carries aria-current.
    assert '<details class="nav-group active" data-group="registry">' in nav
    assert 'data-nav="enterprise_list" class="active" aria-current="page"' in nav
    # Small screens: the Menu button (a checkbox's label) comes before the menu it folds.
    assert page.index('id="nav-toggle"') < page.index('<nav class="main-nav"')
    assert 'for="nav-toggle"' in page
