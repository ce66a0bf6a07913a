"""Rules of the training pathway that no test held before the mutation pass of 2026-12-06
(docs/analytics.md, "Mutation pass"): each test here failed with one deliberate change of
analytics/pathways.py."""

import datetime as dt

import pytest

from sentra.analytics.models import ActivityLink, LinkKind
from sentra.analytics.pathways import RESULT_DAYS, pathway
from sentra.analytics.tests.test_pathways import change
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.models import Certification
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2024, 6, 1), dt.date(2024, 6, 10)


def act(agency, kind, start=START, end=END, *beneficiaries, name="Kegiatan"):
    a = ActivityFactory(agency=agency, name=name, kind=kind, start_date=start, end_date=end)
    a.enterprises.set(beneficiaries)
    return a


def test_a_change_on_the_activitys_start_day_is_already_the_value_before(officer, dinas):
    ikm = EnterpriseFactory(workers=8, production_value=100)
    act(dinas, "training", START, END, ikm)
    change(ikm, START, workers=[3, 8])
    [ev] = pathway(actor=officer, enterprise=ikm.pk).events
    assert ev.before["workers"] == 8


def test_after_is_measured_365_days_after_the_end_and_not_a_day_later(officer, dinas):
    ikm = EnterpriseFactory(workers=20, production_value=100)
    act(dinas, "training", START, END, ikm)
    change(ikm, END + dt.timedelta(days=RESULT_DAYS), workers=[4, 9])
    change(ikm, END + dt.timedelta(days=RESULT_DAYS + 1), workers=[9, 20])
    [ev] = pathway(actor=officer, enterprise=ikm.pk).events
    assert RESULT_DAYS == 365
    assert (ev.before["workers"], ev.after["workers"]) == (4, 9)


def test_a_certificate_issued_on_the_start_day_or_the_last_day_of_the_window_is_a_result(officer, dinas):
    ikm = EnterpriseFactory()
    act(dinas, "cert_halal", START, END, ikm)
    Certification.objects.create(enterprise=ikm, kind="halal", number="H1", issued_on=START)
    other = EnterpriseFactory()
    act(dinas, "cert_sni", START, END, other)
    last_day = END + dt.timedelta(days=RESULT_DAYS)
    Certification.objects.create(enterprise=other, kind="sni", number="S1", issued_on=last_day)
    assert "1 sertifikat" in pathway(actor=officer, enterprise=ikm.pk).events[0].result
    assert "1 sertifikat" in pathway(actor=officer, enterprise=other.pk).events[0].result


def sequence(agency, first_kind, second_kind):
    ActivityLink.objects.create(
        first=act(agency, first_kind, None, None),
        second=act(agency, second_kind, None, None),
        kind=LinkKind.SEQUENCE,
    )


def test_a_tie_in_the_registrys_habits_goes_to_the_kind_listed_first(officer, dinas):
    ikm = EnterpriseFactory()
    act(dinas, "training", dt.date(2026, 2, 1), dt.date(2026, 2, 3), ikm)
    sequence(dinas, "training", "exhibition")
    sequence(dinas, "training", "cert_halal")  # listed before exhibition in ActivityKind
    step = pathway(actor=officer, enterprise=ikm.pk).next_step
    assert (step.source, step.kind) == ("registry", "cert_halal")


def test_the_registrys_next_step_follows_the_latest_activity(officer, dinas):
    ikm = EnterpriseFactory()
    act(dinas, "training", dt.date(2025, 2, 1), dt.date(2025, 2, 3), ikm)
    act(dinas, "exhibition", dt.date(2026, 5, 1), dt.date(2026, 5, 3), ikm)
    sequence(dinas, "training", "cert_halal")
    sequence(dinas, "exhibition", "ecommerce")
    step = pathway(actor=officer, enterprise=ikm.pk).next_step
    assert (step.source, step.kind) == ("registry", "ecommerce")


def test_a_national_activity_shows_in_full_only_to_a_national_reader(officer, actor, ministry_agency):
    ikm = EnterpriseFactory()
    act(ministry_agency, "training", START, END, ikm, name="Diklat nasional")
    assert ministry_agency.region_id is None
    [seen_by_regency] = pathway(actor=officer, enterprise=ikm.pk).events
    assert seen_by_regency.title == "Diklat nasional" and not seen_by_regency.detail_visible
    assert seen_by_regency.before == {}
    [seen_by_ministry] = pathway(actor=actor, enterprise=ikm.pk).events
    assert seen_by_ministry.detail_visible and seen_by_ministry.activity_kind == "training"


def test_only_a_sequence_link_suggests_a_next_step(officer, dinas):
    ikm = EnterpriseFactory()
    received = act(dinas, "training", dt.date(2026, 2, 1), dt.date(2026, 2, 3), ikm)
    other = act(dinas, "machine_aid", dt.date(2026, 8, 1), dt.date(2026, 8, 2))
    ActivityLink.objects.create(first=received, second=other, kind=LinkKind.SEPARATE, reason="Sasaran beda")
    assert pathway(actor=officer, enterprise=ikm.pk).next_step is None
