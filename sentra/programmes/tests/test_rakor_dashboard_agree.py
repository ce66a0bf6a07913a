"""The Rakor pack and the budget-control dashboard show the same figures on the same date (issue 14.2:
they once differed, 178 vs 181 activities and 77.88 % vs 76.6 % output achievement). Both read
programmes.selectors.control_summary; the dashboard's "DIPA" source choice is the pack's scope.

Run on the demo year (the registry demo, small, and the part-3 demo year), as the meeting would."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from sentra.accounts.scope import actor_for_user
from sentra.conftest import KALTIM
from sentra.programmes.choices import DIPA_SOURCES
from sentra.programmes.demo import demo_fiscal_year
from sentra.programmes.models import Activity
from sentra.programmes.reports import rakor_pack
from sentra.programmes.selectors import ControlFilter, control_summary
from sentra.registry import demo as registry_demo

YEAR = 2026
AS_OF = dt.date(2026, 11, 16)  # the suite's clock: the dashboard's default month is November too


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            report = registry_demo.DemoReport()
            agencies = registry_demo.demo_real_facts(seed=2026, report=report)
            registry_demo.demo_generate(size="small", seed=2026, stdout=StringIO(), report=report)
            registry_demo.demo_users(agencies=agencies, report=report)
        demo_fiscal_year(YEAR, seed=2026, as_of=dt.date(2026, 11, 23))
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_year")]


def ministry():
    return get_user_model().objects.get(
        profile__role="ministry_admin", profile__region=None, is_superuser=False
    )


def province_officer():
    return (
        get_user_model().objects.filter(profile__role="province_officer", profile__region_id=KALTIM).first()
    )


def dipa_filter(**extra) -> ControlFilter:
    return ControlFilter(
        fiscal_year=YEAR, month=AS_OF.month, funding_sources=tuple(sorted(DIPA_SOURCES)), **extra
    )


def test_the_demo_year_has_activities_outside_the_dipa_so_the_scope_matters():
    dipa = Activity.objects.filter(fiscal_year=YEAR, funding_source__in=DIPA_SOURCES).count()
    assert 0 < dipa < Activity.objects.filter(fiscal_year=YEAR).count()


@pytest.mark.parametrize("who", [ministry, province_officer])
def test_the_pack_and_the_summary_are_one_definition(who):
    actor = actor_for_user(who())
    pack = rakor_pack(actor=actor, fiscal_year=YEAR, as_of=AS_OF)
    summary = control_summary(actor=actor, f=dipa_filter())

    assert pack.total.activities == summary.activities > 0
    assert (pack.total.pagu, pack.total.absorption, pack.total.deviation) == (
        summary.total.pagu,
        summary.total.absorption,
        summary.total.deviation,
    )
    assert pack.output_achievement == summary.output_achievement is not None
    for row in pack.outputs:
        assert row.achievement == summary.output_by_group.get(row.code), row.code


@pytest.mark.parametrize("who", [ministry, province_officer])
def test_the_dashboard_on_the_same_date_shows_the_packs_figures(client, who):
    user = who()
    pack = rakor_pack(actor=actor_for_user(user), fiscal_year=YEAR, as_of=AS_OF)
    client.force_login(user)

    response = client.get(
        reverse("web:control_dashboard"), {"tahun": YEAR, "sumber": "dipa", "per": "province"}
    )

    assert response.status_code == 200
    total = response.context["total"]
    assert response.context["f"].month == pack.month == 11
    assert (total.activities, total.pagu, total.realised_to_date, total.absorption) == (
        pack.total.activities,
        pack.total.pagu,
        pack.total.realised_to_date,
        pack.total.absorption,
    )
    assert response.context["total_output"] == pack.output_achievement
    by_province = {row.code: row for row in response.context["rows"]}
    for row in pack.provinces:
        if row.code:
            assert by_province[row.code].figures.activities == row.activities, row.code
            assert by_province[row.code].figures.absorption == row.absorption, row.code
    # The filter keeps the DIPA choice in its links (drill-down stays on the pack's scope).
    assert "sumber=dipa" in response.context["drill_base"]


def test_every_source_on_the_dashboard_is_a_wider_scope_and_says_so(client):
    client.force_login(ministry())
    everything = client.get(reverse("web:control_dashboard"), {"tahun": YEAR}).context["total"]
    dipa = client.get(reverse("web:control_dashboard"), {"tahun": YEAR, "sumber": "dipa"}).context["total"]
    assert everything.activities > dipa.activities
