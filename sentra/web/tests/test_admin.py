import pytest
from django.contrib import admin
from django.urls import reverse

from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "label",
    [
        "regions.region",
        "regions.kbli",
        "agencies.agency",
        "registry.enterprise",
        "registry.centre",
        "registry.decree",
        "registry.product",
        "registry.certification",
        "core.job",
        "audit.auditevent",
        "accounts.apitoken",
        "auth.user",
    ],
)
def test_admin_changelists(admin_client, label):
    EnterpriseFactory()
    app, model = label.split(".")
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"), {"q": "64"})
    assert response.status_code == 200


def test_admin_change_pages_with_inlines(admin_client):
    centre = CentreFactory()
    enterprise = EnterpriseFactory()
    assert admin_client.get(reverse("admin:registry_centre_change", args=[centre.pk])).status_code == 200
    assert (
        admin_client.get(reverse("admin:registry_enterprise_change", args=[enterprise.pk])).status_code == 200
    )
    assert admin_client.get(reverse("admin:regions_region_change", args=["64.09"])).status_code == 200


def test_reference_data_is_read_only_in_admin(rf, admin_user):
    from sentra.regions.models import Region

    request = rf.get("/")
    request.user = admin_user
    region_admin = admin.site._registry[Region]
    assert not region_admin.has_add_permission(request)
    assert not region_admin.has_delete_permission(request)


def test_admin_is_for_superusers_only(client, user):
    """Even a ministry administrator works in Sentra's scoped pages, not in Django admin."""
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
