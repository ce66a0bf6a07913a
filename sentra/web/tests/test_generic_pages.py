"""The pages a record type gets from its declaration (web/generic.py), seen on products.

Products have no view of their own: the edit form, its conflict panel and the delete page come from
the RecordType declared in web/views/registry.py.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sentra.registry.models import Product
from sentra.registry.tests.factories import EnterpriseFactory
from sentra.web.generic import RECORD_TYPES

from .test_edit_conflict import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(regency_agency):
    maker = EnterpriseFactory(agency=regency_agency, name="UD Amplang Bahari", kbli_id="10794")
    return Product.objects.create(
        name="Amplang Belida",
        enterprise=maker,
        kbli_id="10794",
        village_id=maker.village_id,
        province_code=maker.province_code,
        regency_code=maker.regency_code,
        agency=regency_agency,
        price_min=10000,
    )


def test_the_registry_declares_its_three_types_in_queue_order():
    from sentra.web.views.registry import ENTITIES

    assert ENTITIES is RECORD_TYPES
    assert list(RECORD_TYPES)[:3] == ["enterprise", "centre", "product"]


def test_a_declared_type_shows_the_conflict_panel_and_overwrites_nothing(user, product):
    url = reverse("web:product_edit", args=[product.pk])
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    first_page, second_page = first.get(url), second.get(url)
    assert second_page.context["form"]["name"].value() == "Amplang Belida"
    assert first.post(url, submitted(first_page, price_min="12000")).status_code == 302

    answer = second.post(url, submitted(second_page, name="Amplang Bandeng"))
    assert answer.status_code == 200
    assert [row["now"] for row in answer.context["form"].conflict_taken] == ["12000"]
    stored = Product.objects.get(pk=product.pk)
    assert (stored.name, stored.price_min, stored.version) == ("Amplang Belida", 12000, 2)

    again = second.post(url, submitted(answer))
    assert again.status_code == 302 and again.url == reverse("web:product_detail", args=[product.pk])
    assert Product.objects.get(pk=product.pk).name == "Amplang Bandeng"


def test_a_declared_type_deletes_after_confirmation_with_a_reason(auth_client, product):
    url = reverse("web:product_delete", args=[product.pk])
    assert auth_client.get(url).status_code == 200 and Product.objects.filter(pk=product.pk).exists()
    answer = auth_client.post(url, {"reason": "Data ganda"})
    assert answer.status_code == 302 and answer.url == reverse("web:product_list")
    assert not Product.objects.filter(pk=product.pk).exists()
