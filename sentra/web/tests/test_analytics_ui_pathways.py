"""How a reader finds a training pathway: from the enterprise's and the centre's own page, only for a role
that may open it (a link that leads to "access denied" is not shown)."""

import pytest
from django.test import Client
from django.urls import reverse

from sentra.accounts import permissions
from sentra.accounts.models import Role
from sentra.accounts.permissions import Area
from sentra.accounts.tests.factories import persona
from sentra.registry.choices import CentreStatus
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def client_of(role):
    client = Client()
    client.force_login(persona(role))
    return client


@pytest.fixture
def records():
    return EnterpriseFactory(), CentreFactory()


def pages(client, enterprise, centre) -> tuple[str, str]:
    return (
        client.get(reverse("web:enterprise_detail", args=[enterprise.pk])).content.decode(),
        client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode(),
    )


def test_detail_pages_lead_to_the_pathway(records):
    enterprise, centre = records
    ikm_page, centre_page = pages(client_of(Role.VIEWER), enterprise, centre)
    assert reverse("web:analytics_pathway_enterprise", args=[enterprise.pk]) in ikm_page
    assert reverse("web:analytics_pathway_centre", args=[centre.pk]) in centre_page


def test_no_pathway_link_for_a_role_that_may_not_read_analytics(records, monkeypatch):
    enterprise, centre = records
    table = {**permissions.AREA_ACTIONS[Area.ANALYTICS], Role.VIEWER: frozenset()}
    monkeypatch.setitem(permissions.AREA_ACTIONS, Area.ANALYTICS, table)
    client = client_of(Role.VIEWER)
    ikm_page, centre_page = pages(client, enterprise, centre)
    assert 'id="pathway-link"' not in ikm_page and 'id="pathway-link"' not in centre_page
    assert client.get(reverse("web:analytics_pathway_enterprise", args=[enterprise.pk])).status_code == 403


def test_a_weak_centre_leads_to_its_pathway():
    centre = CentreFactory(status=CentreStatus.DESIGNATED)  # designated, no active member: weak
    html = client_of(Role.MINISTRY_ANALYST).get(reverse("web:analytics_candidates")).content.decode()
    weak = html.split('id="weak"', 1)[1]
    assert reverse("web:analytics_pathway_centre", args=[centre.pk]) in weak
