"""The enterprise list page with a search term: newest matches first, said so, sorts still work."""

import pytest
from django.urls import reverse

from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

ORDER_NOTE = 'id="search-order"'


@pytest.fixture
def shops(db):
    for name in ("Tempe Anggrek", "Tempe Zaitun", "Keripik Tempe Bu Sri", "Abon Sapi"):
        EnterpriseFactory(name=name)


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [e.name for e in response.context["page"].object_list]


def test_a_search_lists_the_newest_matches_first_and_says_so(auth_client, shops):
    response = auth_client.get(reverse("web:enterprise_list"), {"q": "tempe"})
    assert listed(response) == ["Keripik Tempe Bu Sri", "Tempe Zaitun", "Tempe Anggrek"]
    assert ORDER_NOTE in response.content.decode()


def test_a_chosen_sort_orders_the_search_without_the_note(auth_client, shops):
    response = auth_client.get(reverse("web:enterprise_list"), {"q": "tempe", "sort": "name"})
    assert listed(response) == ["Keripik Tempe Bu Sri", "Tempe Anggrek", "Tempe Zaitun"]
    assert ORDER_NOTE not in response.content.decode()


def test_the_rows_swapped_in_by_htmx_carry_the_note(auth_client, shops):
    response = auth_client.get(
        reverse("web:enterprise_list"), {"q": "tempe"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows"
    )
    assert ORDER_NOTE in response.content.decode()


def test_without_a_search_the_list_is_by_name_without_the_note(auth_client, shops):
    response = auth_client.get(reverse("web:enterprise_list"))
    assert listed(response) == ["Abon Sapi", "Keripik Tempe Bu Sri", "Tempe Anggrek", "Tempe Zaitun"]
    assert ORDER_NOTE not in response.content.decode()
    short = auth_client.get(reverse("web:enterprise_list"), {"q": "te"})  # a prefix: by name
    assert listed(short) == ["Tempe Anggrek", "Tempe Zaitun"]
    assert ORDER_NOTE not in short.content.decode()


def test_a_short_first_page_is_its_own_count(auth_client, shops, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sentra.web.views import registry

    def counts(params) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = auth_client.get(reverse("web:enterprise_list"), params).content.decode()
        # The list's own count, not the menu's "Verifikasi" badge (records waiting in a status).
        enterprise_counts = [
            q
            for q in queries
            if "COUNT(" in q["sql"]
            and "registry_enterprise" in q["sql"]
            and '"verification_status" IN' not in q["sql"]
        ]
        return html, len(enterprise_counts)

    html, counted = counts({"q": "tempe"})
    assert "3 data ditemukan" in html and counted == 0
    monkeypatch.setattr(registry, "PER_PAGE", 2)  # a full first page: counted
    html, counted = counts({"q": "tempe"})
    assert "3 data ditemukan" in html and counted == 1
    page_two = auth_client.get(reverse("web:enterprise_list"), {"q": "tempe", "page": "2"})
    assert listed(page_two) == ["Tempe Anggrek"]
