"""A Dekranasda works its own activities like any agency that owns records (issue 14.2): it is offered
"Ajukan" on its own activity and submits it; another agency's activity it can neither submit nor is
offered to; a new activity of a Dekranasda starts with its own funding source, not the APBN."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory
from sentra.verification.models import VerificationStatus as S

pytestmark = pytest.mark.django_db


@pytest.fixture
def dekranasda():
    return AgencyFactory(name="Dekranasda Kab. Penajam Paser Utara", kind="dekranas", region_id=PPU)


@pytest.fixture
def officer(client, dekranasda):
    user = persona(Role.DEKRANAS_OFFICER, agency=dekranasda, username="dekranasda_ppu")
    client.force_login(user)
    return user


def test_a_dekranasda_is_offered_ajukan_on_its_own_activity_and_submits_it(client, officer, dekranasda):
    activity = ActivityFactory(agency=dekranasda, funding_source="dekranas")
    page = client.get(activity.get_absolute_url()).content.decode()
    assert 'data-step="submit"' in page
    client.post(reverse("web:activity_transition", args=[activity.pk, "submit"]), {"reason": ""})
    activity.refresh_from_db()
    assert activity.verification_status == S.SUBMITTED
    assert activity.submitted_by == officer


def test_a_dekranasda_cannot_submit_another_agencys_activity(client, officer, regency_agency):
    activity = ActivityFactory(agency=regency_agency)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert 'data-step="submit"' not in page
    response = client.post(reverse("web:activity_transition", args=[activity.pk, "submit"]), {"reason": ""})
    assert response.status_code in (302, 403)
    activity.refresh_from_db()
    assert activity.verification_status == S.DRAFT


def test_a_new_dekranasda_activity_starts_with_its_own_funding_source(client, officer):
    response = client.get(reverse("web:activity_create"))
    assert response.status_code == 200
    assert response.context["form"]["funding_source"].value() == "dekranas"


def test_a_new_regency_activity_keeps_the_forms_default(client, regency_agency):
    client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    response = client.get(reverse("web:activity_create"))
    assert response.context["form"]["funding_source"].value() in (None, "")
