"""Links between overlapping activities: who may link, which decisions need a reason, audit, pages."""

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import links
from sentra.analytics.models import ActivityLink, LinkKind
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.programmes.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

SALOLOANG = "64.09.01.1002"
JUNE, JULY = dt.date(2026, 6, 2), dt.date(2026, 7, 20)


def activity(agency, name, *, places=(SALOLOANG,), start=JUNE, end=JULY, **kw):
    act = ActivityFactory(agency=agency, name=name, kind="training", start_date=start, end_date=end, **kw)
    act.locations.set(places)
    return act


def test_a_sequence_is_linked_without_reason_with_the_checks_score_and_audited(officer, pair):
    basic, advanced = pair
    link = links.link_activities(actor=officer, first=basic, second=advanced, kind=LinkKind.SEQUENCE)
    assert (link.first_id, link.second_id, link.kind) == (basic.pk, advanced.pk, "sequence")
    assert link.score is not None and link.score >= 0.5
    assert link.reasons  # the check's words kept with the link
    event = AuditEvent.objects.get(object_type="analytics.activitylink", object_id=link.pk)
    assert event.action == "create" and event.region_code == PPU


@pytest.mark.parametrize("kind", [LinkKind.MERGE, LinkKind.SEPARATE])
def test_merge_and_separate_need_a_reason(officer, pair, kind):
    with pytest.raises(DomainError) as err:
        links.link_activities(actor=officer, first=pair[0], second=pair[1], kind=kind, reason="  ")
    assert err.value.code == "link_reason_required"
    assert not ActivityLink.objects.exists()
    link = links.link_activities(
        actor=officer, first=pair[0], second=pair[1], kind=kind, reason="Dana bersama"
    )
    assert link.reason == "Dana bersama"


def test_unknown_kind_same_activity_and_a_pair_twice_are_refused(officer, pair):
    with pytest.raises(DomainError) as err:
        links.link_activities(actor=officer, first=pair[0], second=pair[1], kind="maybe")
    assert err.value.code == "link_kind_invalid"
    with pytest.raises(DomainError) as err:
        links.link_activities(actor=officer, first=pair[0], second=pair[0], kind="sequence")
    assert err.value.code == "link_same"
    links.link_activities(actor=officer, first=pair[0], second=pair[1], kind="sequence")
    with pytest.raises(DomainError) as err:  # the other order is the same pair
        links.link_activities(actor=officer, first=pair[1], second=pair[0], kind="sequence")
    assert err.value.code == "link_exists"


def test_both_activities_must_be_readable(officer, pair, kudus_agency):
    elsewhere = ActivityFactory(agency=kudus_agency, name="Pelatihan tenun")
    with pytest.raises(NotFound):
        links.link_activities(actor=officer, first=pair[0], second=elsewhere, kind="sequence")
    assert KUDUS  # Kudus lies outside the PPU officer's region


def test_roles_that_do_not_plan_cannot_link(pair, dinas):
    for role in (Role.FACILITATOR, Role.VIEWER, Role.MINISTRY_ANALYST):
        actor = actor_of(persona(role, agency=dinas))
        with pytest.raises(AccessDenied):
            links.link_activities(actor=actor, first=pair[0], second=pair[1], kind="sequence")


def test_a_dekranasda_links_only_pairs_with_its_own_activity(pair, dekranasda):
    actor = actor_of(persona(Role.DEKRANAS_OFFICER, agency=dekranasda))
    with pytest.raises(AccessDenied):
        links.link_activities(actor=actor, first=pair[0], second=pair[1], kind="sequence")
    own = activity(dekranasda, "Pelatihan tenun Dekranasda Salo Loang")
    link = links.link_activities(actor=actor, first=own, second=pair[0], kind="sequence")
    assert link.pk


def test_update_and_unlink_are_audited(officer, pair):
    link = links.link_activities(actor=officer, first=pair[0], second=pair[1], kind="sequence")
    with pytest.raises(DomainError) as err:
        links.update_link(actor=officer, link_id=link.pk, kind="separate", reason="")
    assert err.value.code == "link_reason_required"
    changed = links.update_link(
        actor=officer, link_id=link.pk, kind="separate", reason="Sasaran berbeda", version=link.version
    )
    assert changed.kind == "separate"
    links.unlink(actor=officer, link_id=link.pk, reason="salah pilih")
    assert not ActivityLink.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="analytics.activitylink", object_id=link.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_links_of_shows_the_link_from_both_sides(officer, pair):
    links.link_activities(actor=officer, first=pair[0], second=pair[1], kind="sequence")
    [from_basic] = links.links_of(actor=officer, activity=pair[0])
    [from_next] = links.links_of(actor=officer, activity=pair[1])
    assert (from_basic.other_id, from_basic.role) == (pair[1].pk, "next")
    assert (from_next.other_id, from_next.role) == (pair[0].pk, "previous")
    assert from_basic.can_change and from_basic.other_visible


def test_the_beneficiaries_import_warns_of_a_likely_overlap_on_the_row(tmp_path, officer, dinas, koperasi):
    from sentra.core.import_kinds import import_file
    from sentra.registry.tests.factories import EnterpriseFactory

    weavers = EnterpriseFactory.create_batch(3, village_id="64.09.02.1003", kbli_id="13122")
    mine = activity(dinas, "Pelatihan peningkatan mutu", places=(), code="5305.901")
    theirs = activity(koperasi, "Bimtek desain produk", places=())
    theirs.enterprises.set(weavers)
    mine.enterprises.set(weavers[1:])
    path = tmp_path / "penerima.csv"
    path.write_text(
        "Tahun anggaran,Kode kegiatan,NIB\n" + f"2026,5305.901,{weavers[0].nib}\n",
        encoding="utf-8",
    )
    report = import_file(kind="beneficiaries", path=path, actor=officer, commit=True)
    assert report.error_count == 0 and report.created + report.updated >= 0
    [warning] = [w for w in report.warnings if w.code == "likely_overlap"]
    assert warning.row == 2 and theirs.name in warning.message and koperasi.name in warning.message
    assert weavers[0] in mine.enterprises.all()  # a warning, not an error: the row is written
