"""The year's control settings are configured in the admin; money and plans are only read there."""

import pytest
from django.urls import reverse

from sentra.programmes.models import BudgetPolicy
from sentra.programmes.selectors import quarter_target

from .factories import YEAR, ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "x-Rahasia-2026")
    )
    return client


def test_a_superuser_sets_the_quarter_targets_of_a_year(admin_client):
    response = admin_client.post(
        reverse("admin:programmes_budgetpolicy_add"),
        {
            "fiscal_year": YEAR,
            "target_q1": 20,
            "target_q2": 45,
            "target_q3": 65,
            "target_q4": 95,
            "deviation_rule": "weighted",
            "type_targets": "{}",
            "rpd_window_q1": "2026-02-19",
            "rpd_window_q2": "2026-04-15",
            "rpd_window_q3": "2026-07-14",
            "rpd_window_q4": "2026-10-14",
            "lag_threshold": 15,
        },
    )
    assert response.status_code == 302
    assert BudgetPolicy.objects.get(fiscal_year=YEAR).lag_threshold == 15
    assert quarter_target(YEAR, 2) == 20


def test_activities_are_read_only_in_the_admin(admin_client):
    activity = ActivityFactory()
    page = admin_client.get(reverse("admin:programmes_activity_change", args=[activity.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:programmes_activity_add")).status_code == 403


def test_the_activity_list_shows_and_searches_the_responsible_officer(admin_client):
    named = ActivityFactory(code="5305.011", officer_name="Hendra Wijaya")
    unnamed = ActivityFactory(code="5305.012", officer_name="")
    url = reverse("admin:programmes_activity_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<td class="field-officer">Hendra Wijaya</td>' in html
    assert '<td class="field-officer">—</td>' in html  # blank officer: the dash, not an empty cell
    found = admin_client.get(url, {"q": "wijaya"})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [named]
    assert unnamed.code not in found.content.decode()
