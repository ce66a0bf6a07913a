"""Training pathway (issue 17 §2): timeline order and contents, before/after from the audit trail,
certificates as results, facilitator visits, the next step, scope and the number of queries."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sentra.analytics.models import ActivityLink, LinkKind
from sentra.analytics.pathways import pathway
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import NotFound
from sentra.facilitators.models import Visit, VisitEnterprise
from sentra.facilitators.tests.factories import FacilitatorFactory
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.models import Certification
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def act(agency, name, kind, start, end, *beneficiaries):
    a = ActivityFactory(agency=agency, name=name, kind=kind, start_date=start, end_date=end)
    a.enterprises.set(beneficiaries)
    return a


def change(enterprise, on: dt.date, **fields):
    ev = AuditEvent.objects.create(
        channel="web",
        action="update",
        object_type="registry.enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        changes=fields,
    )
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(9)))
    AuditEvent.objects.filter(pk=ev.pk).update(at=at)


def test_timeline_is_ordered_with_results_before_after_and_visits(officer, dinas, koperasi):
    ikm = EnterpriseFactory(workers=9, production_value=300)
    halal = act(koperasi, "Fasilitasi halal", "cert_halal", dt.date(2025, 3, 1), dt.date(2025, 3, 5), ikm)
    training = act(dinas, "Pelatihan tenun", "training", dt.date(2024, 6, 1), dt.date(2024, 6, 10), ikm)
    act(dinas, "Pelatihan orang lain", "training", dt.date(2024, 6, 1), dt.date(2024, 6, 10))
    change(ikm, dt.date(2024, 1, 10), workers=[3, 4], production_value=[100, 120])
    change(ikm, dt.date(2025, 1, 10), workers=[4, 7])
    change(ikm, dt.date(2026, 5, 1), workers=[7, 9], production_value=[120, 300])
    Certification.objects.create(enterprise=ikm, kind="halal", number="ID001", issued_on=dt.date(2025, 8, 1))
    fac = FacilitatorFactory()
    visit = Visit.objects.create(
        client_id=uuid.uuid4(),
        facilitator=fac,
        visited_at=timezone.make_aware(dt.datetime(2024, 9, 2, 10)),
        kind="coaching",
        advice="Perbaiki pewarnaan",
        regency_code=PPU,
        province_code=PPU[:2],
    )
    VisitEnterprise.objects.create(visit=visit, enterprise=ikm, visited_on=dt.date(2024, 9, 2))

    p = pathway(actor=officer, enterprise=ikm.pk)

    assert [(e.kind, e.on) for e in p.events] == [
        ("activity", dt.date(2024, 6, 1)),
        ("visit", dt.date(2024, 9, 2)),
        ("activity", dt.date(2025, 3, 1)),
        ("certificate", dt.date(2025, 8, 1)),
    ]
    first, visit_ev, cert_act = p.events[0], p.events[1], p.events[2]
    assert first.activity_id == training.pk and first.agency_name == dinas.name
    # before: on 2024-06-01 (after the January change: 4 workers, 120); after: 2025-06-10 (7 workers, 120)
    assert first.before == {"workers": 4, "production_value": 120}
    assert first.after == {"workers": 7, "production_value": 120}
    assert visit_ev.agency_name == fac.name and "pewarnaan" in visit_ev.result
    assert cert_act.activity_id == halal.pk and "1 sertifikat" in cert_act.result
    # after of the halal support: min(2026-03-05, today) → 7 workers (the May 2026 change is later)
    assert cert_act.before == {"workers": 7, "production_value": 120}
    assert cert_act.after["workers"] == 7


def test_values_before_the_first_change_come_from_its_before_and_without_history_the_current(officer, dinas):
    ikm = EnterpriseFactory(workers=12, production_value=500)
    act(dinas, "Pelatihan", "training", dt.date(2023, 1, 1), dt.date(2023, 1, 2), ikm)
    change(ikm, dt.date(2025, 1, 1), workers=[5, 12])
    [ev] = pathway(actor=officer, enterprise=ikm.pk).events
    assert ev.before == {"workers": 5, "production_value": 500}
    assert ev.after == {"workers": 5, "production_value": 500}


def test_an_activity_before_the_record_was_created_uses_its_first_known_value(officer, dinas):
    ikm = EnterpriseFactory(workers=6, production_value=50)
    act(dinas, "Pelatihan", "training", dt.date(2023, 1, 1), dt.date(2023, 1, 2), ikm)
    change(ikm, dt.date(2024, 1, 1), workers=[None, 3], production_value=[None, 40])
    [ev] = pathway(actor=officer, enterprise=ikm.pk).events
    assert ev.before == {"workers": 3, "production_value": 40}


def test_certificate_outside_the_window_is_not_a_result(officer, dinas):
    ikm = EnterpriseFactory()
    act(dinas, "Fasilitasi SNI", "cert_sni", dt.date(2023, 1, 1), dt.date(2023, 1, 2), ikm)
    Certification.objects.create(enterprise=ikm, kind="sni", number="S1", issued_on=dt.date(2024, 6, 1))
    ev = pathway(actor=officer, enterprise=ikm.pk).events[0]
    assert "belum ada sertifikat" in ev.result


def test_next_step_from_a_recorded_sequence_the_beneficiary_did_not_follow(officer, dinas, koperasi):
    ikm = EnterpriseFactory()
    basic = act(dinas, "Pelatihan dasar tenun", "training", dt.date(2026, 2, 1), dt.date(2026, 2, 3), ikm)
    advanced = act(koperasi, "Bantuan alat tenun", "machine_aid", dt.date(2026, 8, 1), dt.date(2026, 8, 2))
    ActivityLink.objects.create(first=basic, second=advanced, kind=LinkKind.SEQUENCE)
    step = pathway(actor=officer, enterprise=ikm.pk).next_step
    assert (step.source, step.kind, step.activity_id, step.agency_name) == (
        "sequence",
        "machine_aid",
        advanced.pk,
        koperasi.name,
    )
    advanced.enterprises.add(ikm)  # followed: no longer suggested
    step = pathway(actor=officer, enterprise=ikm.pk).next_step
    assert step is None or step.source == "registry"


def test_next_step_from_the_registry_most_common_kind_after_the_last(officer, dinas):
    ikm = EnterpriseFactory()
    act(dinas, "Pelatihan", "training", dt.date(2026, 2, 1), dt.date(2026, 2, 3), ikm)
    for second_kind in ("cert_halal", "cert_halal", "exhibition"):
        a = act(dinas, "x", "training", None, None)
        b = act(dinas, "y", second_kind, None, None)
        ActivityLink.objects.create(first=a, second=b, kind=LinkKind.SEQUENCE)
    a = act(dinas, "x", "exhibition", None, None)
    b = act(dinas, "y", "ecommerce", None, None)
    ActivityLink.objects.create(first=a, second=b, kind=LinkKind.SEQUENCE)
    step = pathway(actor=officer, enterprise=ikm.pk).next_step
    assert (step.source, step.kind) == ("registry", "cert_halal")
    assert "2 dari 3" in step.explanation


def test_no_activities_no_next_step(officer):
    assert pathway(actor=officer, enterprise=EnterpriseFactory().pk).next_step is None


def test_outside_the_region_is_not_found_and_other_regions_activities_show_name_and_agency(officer, dinas):
    kudus_ikm = EnterpriseFactory(village_id="33.19.01.2001")
    with pytest.raises(NotFound):
        pathway(actor=officer, enterprise=kudus_ikm.pk)
    kudus = AgencyFactory(name="Dinas Kudus", kind="regency_industry", region_id=KUDUS)
    ikm = EnterpriseFactory()
    act(kudus, "Pelatihan dari luar", "training", dt.date(2026, 1, 5), dt.date(2026, 1, 6), ikm)
    [ev] = pathway(actor=officer, enterprise=ikm.pk).events
    assert ev.title == "Pelatihan dari luar" and ev.agency_name == "Dinas Kudus"
    assert not ev.detail_visible and ev.before == {} and ev.activity_kind == ""


def test_centre_pathway_sums_members(officer, dinas):
    a, b = (
        EnterpriseFactory(workers=3, production_value=10),
        EnterpriseFactory(workers=5, production_value=20),
    )
    centre = CentreFactory()
    centre.members.add(a, b)
    x = ActivityFactory(agency=dinas, kind="training", start_date=dt.date(2026, 1, 1), end_date=None)
    x.centres.add(centre)
    p = pathway(actor=officer, centre=centre.pk)
    assert p.subject == "centre" and p.events[0].before == {"workers": 8, "production_value": 30}


def test_one_pathway_takes_a_handful_of_queries(officer, dinas, django_assert_max_num_queries):
    ikm = EnterpriseFactory()
    for i in range(6):
        act(dinas, f"Kegiatan {i}", "training", dt.date(2025, 1 + i, 1), dt.date(2025, 1 + i, 2), ikm)
        change(ikm, dt.date(2025, 1 + i, 15), workers=[4 + i, 5 + i])
    with django_assert_max_num_queries(8):
        pathway(actor=officer, enterprise=ikm.pk)
