"""Training pathway pages: timeline, next step, exports, link from the enterprise and centre pages, 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import PPU
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dinas(db):
    return AgencyFactory(name="Dinas Perindustrian Kab. PPU", kind="regency_industry", region_id=PPU)


@pytest.fixture
def client(dinas):
    c = Client()
    c.force_login(persona(Role.REGENCY_OFFICER, agency=dinas))
    return c


def test_enterprise_page_shows_the_timeline_and_exports(client, dinas):
    ikm = EnterpriseFactory()
    a = ActivityFactory(
        agency=dinas, name="Pelatihan tenun dasar", kind="training", start_date=dt.date(2026, 3, 2)
    )
    a.enterprises.add(ikm)
    url = reverse("web:analytics_pathway_enterprise", args=[ikm.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pelatihan tenun dasar" in html and dinas.name in html and "Langkah berikut" in html
    assert "<style" not in html.split("</head>")[-1] and "<script>" not in html
    csv = client.get(url + "?format=csv")
    assert csv.status_code == 200 and "Pelatihan tenun dasar" in b"".join(csv.streaming_content).decode()
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]
    detail = client.get(reverse("web:enterprise_detail", args=[ikm.pk])).content.decode()
    assert url in detail


def test_centre_page_and_link(client):
    centre = CentreFactory()
    url = reverse("web:analytics_pathway_centre", args=[centre.pk])
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()


def test_another_regency_gets_404(kudus_agency):
    ikm = EnterpriseFactory()
    c = Client()
    c.force_login(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert c.get(reverse("web:analytics_pathway_enterprise", args=[ikm.pk])).status_code == 404


def test_an_unrecorded_production_value_is_not_shown_as_zero_to_zero(client, dinas):
    ikm = EnterpriseFactory(workers=4, production_value=None)
    a = ActivityFactory(
        agency=dinas, name="Pelatihan kemasan", kind="training", start_date=dt.date(2026, 3, 2)
    )
    a.enterprises.add(ikm)
    html = client.get(reverse("web:analytics_pathway_enterprise", args=[ikm.pk])).content.decode()
    assert "Tenaga kerja" in html  # the workers before and after are shown
    assert "Nilai produksi (Rp)" not in html
    valued = EnterpriseFactory(workers=4, production_value=50_000_000)
    a.enterprises.add(valued)
    html = client.get(reverse("web:analytics_pathway_enterprise", args=[valued.pk])).content.decode()
    assert "Nilai produksi (Rp)" in html and "50.000.000" in html
