"""Detail pages offer each role exactly the buttons it may use (issue 14.2), from the one permission
table: on a draft IKM and a draft activity of the regency's Dinas (PPU), per role, which of "Ubah",
"Hapus", "+ Tambah keluaran" and the verification steps are shown — and every one shown works
(opens 200, or is a step the service accepts). Written out by hand from the role definitions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.scope import actor_for_user
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory
from sentra.verification.selectors import record_steps

pytestmark = pytest.mark.django_db

# role → (enterprise buttons, activity buttons); "submit" is the "Ajukan" step.
EXPECTED = {
    Role.MINISTRY_ADMIN: ({"edit", "delete", "submit"}, {"edit", "output", "submit"}),
    Role.MINISTRY_ANALYST: (set(), set()),
    Role.PROVINCE_OFFICER: ({"edit", "delete", "submit"}, {"edit", "output", "submit"}),
    Role.REGENCY_OFFICER: ({"edit", "delete", "submit"}, {"edit", "output", "submit"}),
    # Enters registry data for the regency's officer to check and submit; reads plans and budgets.
    Role.FACILITATOR: ({"edit"}, set()),
    # Changes and submits only its own agency's records: these are the Dinas's.
    Role.DEKRANAS_OFFICER: (set(), set()),
    Role.VIEWER: (set(), set()),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(ministry_agency, regency_agency, kaltim_agency):
    dekranasda = AgencyFactory(name="Dekranasda Kab. Penajam Paser Utara", kind="dekranas", region_id=PPU)
    agencies = {
        Role.MINISTRY_ADMIN: ministry_agency,
        Role.MINISTRY_ANALYST: ministry_agency,
        Role.PROVINCE_OFFICER: kaltim_agency,
        Role.DEKRANAS_OFFICER: dekranasda,
    }
    return {
        "agencies": agencies,
        "enterprise": EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency),
        "activity": ActivityFactory(agency=regency_agency),
        "regency": regency_agency,
    }


def buttons(html: str, edit: str, delete: str = "", output: str = "") -> set[str]:
    actions = re.search(r'<div class="actions">(.*?)</div>', html, re.S)
    links = set(re.findall(r'href="([^"]+)"', actions.group(1))) if actions else set()
    shown = {name for name, url in (("edit", edit), ("delete", delete)) if url and url in links}
    if output and f'href="{output}' in html:
        shown.add("output")
    shown |= set(re.findall(r'data-step="([a-z]+)"', html))
    return shown


@pytest.mark.parametrize("role", list(EXPECTED))
def test_detail_pages_offer_exactly_what_the_role_may_do(client, world, role):
    user = persona(role, agency=world["agencies"].get(role, world["regency"]))
    client.force_login(user)
    enterprise, activity = world["enterprise"], world["activity"]
    expected_enterprise, expected_activity = EXPECTED[role]

    page = client.get(reverse("web:enterprise_detail", args=[enterprise.pk]))
    assert page.status_code == 200
    shown = buttons(
        page.content.decode(),
        edit=reverse("web:enterprise_edit", args=[enterprise.pk]),
        delete=reverse("web:enterprise_delete", args=[enterprise.pk]),
    )
    assert shown == expected_enterprise

    page = client.get(reverse("web:activity_detail", args=[activity.pk]))
    assert page.status_code == 200
    shown = buttons(
        page.content.decode(),
        edit=reverse("web:activity_edit", args=[activity.pk]),
        output=reverse("web:output_create", args=[activity.pk]),
    )
    assert shown == expected_activity

    # What is shown works: the pages open, the steps are the ones the rules allow.
    if "edit" in expected_enterprise:
        assert client.get(reverse("web:enterprise_edit", args=[enterprise.pk])).status_code == 200
    if "edit" in expected_activity:
        assert client.get(reverse("web:activity_edit", args=[activity.pk])).status_code == 200
    actor = actor_for_user(user)
    assert set(record_steps(actor=actor, record=activity).available) == expected_activity & {"submit"}
