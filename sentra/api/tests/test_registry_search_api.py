"""Enterprise search through the API: newest matches first unless a sort is asked, a capped count."""

import pytest

from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises"


@pytest.fixture
def shops(regency_agency):
    # Created in this order: the newest is the last, and names sort otherwise.
    for name in ("Tempe Anggrek", "Tempe Zaitun", "Keripik Tempe Bu Sri", "Abon Sapi"):
        EnterpriseFactory(name=name, agency=regency_agency)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_search_lists_the_newest_matches_first(auth_client, shops):
    body = auth_client.get(URL, {"q": "tempe"}).json()
    assert [r["name"] for r in body["results"]] == ["Keripik Tempe Bu Sri", "Tempe Zaitun", "Tempe Anggrek"]
    assert body["count"] == 3 and body["count_exact"] is True


def test_an_asked_sort_still_orders_a_search(auth_client, shops):
    assert names(auth_client.get(URL, {"q": "tempe", "sort": "name"})) == [
        "Keripik Tempe Bu Sri",
        "Tempe Anggrek",
        "Tempe Zaitun",
    ]
    assert names(auth_client.get(URL, {"q": "tempe", "sort": "-name"}))[0] == "Tempe Zaitun"


def test_without_a_search_the_list_stays_in_name_order(auth_client, shops):
    expected = ["Abon Sapi", "Keripik Tempe Bu Sri", "Tempe Anggrek", "Tempe Zaitun"]
    assert names(auth_client.get(URL)) == expected


def test_pages_of_a_search_follow_each_other(auth_client, shops):
    first = names(auth_client.get(URL, {"q": "tempe", "page_size": 2}))
    second = names(auth_client.get(URL, {"q": "tempe", "page_size": 2, "page": 2}))
    assert first + second == ["Keripik Tempe Bu Sri", "Tempe Zaitun", "Tempe Anggrek"]


def test_the_count_of_a_common_word_is_capped(auth_client, shops, monkeypatch):
    from sentra.api import registry

    monkeypatch.setattr(registry, "COUNT_LIMIT", 2)
    body = auth_client.get(URL, {"q": "tempe", "page_size": 1}).json()
    assert body["count"] == 2 and body["count_exact"] is False
    assert [r["name"] for r in body["results"]] == ["Keripik Tempe Bu Sri"]


def test_a_short_page_is_its_own_count(auth_client, shops, monkeypatch):
    from sentra.api import registry

    counted = []
    real_count = registry._count
    monkeypatch.setattr(registry, "_count", lambda *a, **k: counted.append(1) or real_count(*a, **k))
    assert auth_client.get(URL, {"q": "tempe"}).json()["count"] == 3  # one short page: no count
    assert auth_client.get(URL, {"q": "tempe", "page_size": 2, "page": 2}).json()["count"] == 3
    assert auth_client.get(URL, {"q": "rendang"}).json()["count"] == 0
    assert counted == []
    body = auth_client.get(URL, {"q": "tempe", "page_size": 3}).json()  # a full page: counted
    assert body["count"] == 3 and body["count_exact"] is True and counted == [1]
    assert auth_client.get(URL, {"q": "tempe", "page_size": 3, "page": 2}).json()["count"] == 3
