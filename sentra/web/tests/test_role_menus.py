"""Every role sees what it may do, and nothing else (issue 14.2): the menu and the buttons of the list
pages show exactly the links the role may use, read from the one permission table, and every link
shown opens (200) for that role. The expected links are written out by hand from the role definitions
(README "Roles"), not computed from accounts/permissions.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.registry.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

EVERYONE = [
    "/",
    "/ikm/",
    "/sentra/",
    "/produk/",
    "/program/",
    "/pengendalian/",
    "/koordinasi/rapat/",
    "/koordinasi/tindak-lanjut/",
    "/koordinasi/dasbor-tindak-lanjut/",
    "/koordinasi/program-nasional/",
    "/koordinasi/kerja-sama/",
    "/koordinasi/kalender/",
    "/pendamping/tpl/",
    "/pendamping/kontrak/",
    "/pendamping/kunjungan/",
    "/pendamping/laporan/",
    "/analisis/potensi/",
    "/analisis/profil/",
    "/analisis/kandidat-sentra/",
    "/analisis/tumpang-tindih/",
    "/laporan/",
    "/notifikasi/",
    "/akun/",
]
IMPORT = "/impor/"
VERIFY = "/verifikasi/"
PROPOSALS = "/pendamping/usulan/"  # decided by the Dinas (verify in the facilitators area) and above
COVERAGE = "/pendamping/cakupan/"  # the managers' and readers' view, not a facilitator's
FIELD_APP = "/lapangan/"  # the facilitator's own phone app

# role → the links of the main menu beyond EVERYONE.
NAV = {
    Role.MINISTRY_ADMIN: [IMPORT, VERIFY, PROPOSALS, COVERAGE],
    Role.MINISTRY_ANALYST: [COVERAGE],  # reads only: no "Impor", no "Verifikasi"
    Role.PROVINCE_OFFICER: [IMPORT, VERIFY, PROPOSALS, COVERAGE],
    Role.REGENCY_OFFICER: [IMPORT, VERIFY, PROPOSALS, COVERAGE],
    # enters registry data and field visits; imports, the workflow and coverage are not theirs
    Role.FACILITATOR: [FIELD_APP],
    Role.DEKRANAS_OFFICER: [VERIFY, COVERAGE],  # submits its own agency's records
    Role.VIEWER: [COVERAGE],
}

REGISTRY_WRITERS = {
    Role.MINISTRY_ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.FACILITATOR,
    Role.DEKRANAS_OFFICER,
}
PLAN_WRITERS = {Role.MINISTRY_ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.DEKRANAS_OFFICER}

# list page → (the buttons it offers a role that may create, who may)
LIST_BUTTONS = {
    "/ikm/": (["web:enterprise_create"], REGISTRY_WRITERS),
    "/sentra/": (["web:centre_create"], REGISTRY_WRITERS),
    "/produk/": (["web:product_create"], REGISTRY_WRITERS),
    "/program/": (["web:programme_create", "web:activity_create", "web:copy_plan"], PLAN_WRITERS),
    "/program/dipa/": (["web:budget_create"], PLAN_WRITERS),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client, ministry_agency, regency_agency, kaltim_agency):
    dekranasda = AgencyFactory(name="Dekranasda Kab. Penajam Paser Utara", kind="dekranas", region_id=PPU)
    agency = {
        Role.MINISTRY_ADMIN: ministry_agency,
        Role.MINISTRY_ANALYST: ministry_agency,
        Role.PROVINCE_OFFICER: kaltim_agency,
        Role.DEKRANAS_OFFICER: dekranasda,
    }

    def _login(role):
        client.force_login(persona(role, agency=agency.get(role, regency_agency)))
        return client

    return _login


def _nav_links(page: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def _action_links(page: str) -> list[str]:
    head = re.search(
        r'<div class="page-head">.*?</div>\s*</div>|<div class="page-head">.*?</div>', page, re.S
    )
    actions = re.search(r'<div class="actions">(.*?)</div>', head.group(0) if head else "", re.S)
    return [href.split("?")[0] for href in re.findall(r'href="([^"]+)"', actions.group(1))] if actions else []


def _path(name: str) -> str:
    return reverse(name) if name.startswith("web:") else name


@pytest.mark.parametrize("role", list(NAV))
def test_the_menu_shows_exactly_what_the_role_may_use_and_each_link_opens(login, role):
    client = login(role)
    page = client.get("/").content.decode()
    links = _nav_links(page)
    assert sorted(links) == sorted(EVERYONE + NAV[role])
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("list_page", list(LIST_BUTTONS))
@pytest.mark.parametrize("role", list(NAV))
def test_list_pages_offer_only_the_buttons_the_role_may_use_and_each_opens(login, role, list_page):
    client = login(role)
    response = client.get(list_page)
    assert response.status_code == 200
    buttons, writers = LIST_BUTTONS[list_page]
    expected = [_path(b) for b in buttons] if role in writers else []
    links = _action_links(response.content.decode())
    assert sorted(links) == sorted(expected)
    for link in links:
        assert client.get(link).status_code == 200, link
