"""One filter set per registry list (registry/filtersets.py): the web page and the API take the same
filter values and refuse the same ones, the API with 422 and the page with the message beside the filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona

from .factories import AgencyFactory

pytestmark = pytest.mark.django_db

# (list, parameter, value, accepted by both channels)
CASES = [
    ("enterprise", "status", "active", True),
    ("enterprise", "status", "hilang", False),
    ("enterprise", "size_class", "small", True),
    ("enterprise", "size_class", "raksasa", False),
    ("enterprise", "kbli", "10", True),
    ("enterprise", "kbli", "tahu", False),
    ("enterprise", "region", "6409", True),
    ("enterprise", "region", "Kaltim", False),
    ("enterprise", "verification", "submitted", True),
    ("enterprise", "verification", "lulus", False),
    ("enterprise", "sort", "-workers", True),
    ("enterprise", "sort", "-updated", True),
    ("enterprise", "sort", "nib", False),
    ("enterprise", "waiting", "1", True),
    ("enterprise", "waiting", "kadang", False),
    ("centre", "status", "designated", True),
    ("centre", "status", "active", False),
    ("centre", "sort", "-members", True),
    ("centre", "sort", "workers", False),
    ("product", "market_reach", "export", True),
    ("product", "market_reach", "bulan", False),
    ("product", "sort", "price", True),
]
API = {"enterprise": "/api/v1/enterprises", "centre": "/api/v1/centres", "product": "/api/v1/products"}


@pytest.mark.parametrize(("kind", "name", "value", "accepted"), CASES)
def test_the_web_page_and_the_api_accept_and_refuse_the_same_filter_values(
    client, kind, name, value, accepted
):
    agency = AgencyFactory(name="Disperindag Kaltim", kind="province_industry", region_id="64")
    client.force_login(persona(Role.PROVINCE_OFFICER, agency=agency))
    api = client.get(API[kind], {name: value})
    assert api.status_code == (200 if accepted else 422), api.content
    page = client.get(reverse(f"web:{kind}_list"), {name: value})
    assert page.status_code == 200
    filters = page.context["filters"]
    refused_on_web = name in page.context["form"].errors or getattr(filters, name) in ("", None)
    assert refused_on_web is (not accepted)
