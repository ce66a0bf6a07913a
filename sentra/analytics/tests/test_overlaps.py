"""The overlap check on constructed pairs: each near miss, synonyms, beneficiaries, scope."""

import datetime as dt

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics.models import ActivityLink
from sentra.analytics.overlaps import THRESHOLD, overlaps_for
from sentra.conftest import KALTIM
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

SALOLOANG = "64.09.01.1002"
PETUNG = "64.09.01.1003"  # another village of Kecamatan Penajam
WARU = "64.09.02.1003"  # Kecamatan Babulu
PENAJAM = "64.09.01"
JUNE, JULY = dt.date(2026, 6, 2), dt.date(2026, 7, 20)


def activity(agency, name, *, places=(SALOLOANG,), start=JUNE, end=JULY, kind="training", year=None, **kw):
    act = ActivityFactory(
        agency=agency,
        name=name,
        kind=kind,
        start_date=start,
        end_date=end,
        fiscal_year=year or (start or end).year,
        **kw,
    )
    act.locations.set(places)
    return act


def ids(results):
    return [r.activity_id for r in results]


def test_a_synonym_duplicate_in_the_same_village_and_months_is_found_with_reasons(
    system_actor, dinas, koperasi
):
    mine = activity(dinas, "Pelatihan tenun ikat bagi IKM Desa Salo Loang")
    theirs = activity(koperasi, "Bimtek Tenun IKM desa Salo Loang", start=dt.date(2026, 6, 10), end=JULY)
    [found] = overlaps_for(actor=system_actor, activity=mine)
    assert found.activity_id == theirs.pk
    assert found.score == pytest.approx(1.0)
    assert found.detail_visible and found.agency_name == koperasi.name
    assert "sama-sama pelatihan tenun" in found.reasons
    assert "Juni dan Juli 2026" in found.reasons
    assert any("Salo Loang" in r for r in found.reasons)


def test_other_topic_in_the_same_village_is_not_an_overlap(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    activity(koperasi, "Pelatihan batik Desa Salo Loang")
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_other_kind_for_the_same_commodity_is_not_an_overlap(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    activity(koperasi, "Pameran kain tenun", kind="exhibition")
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_same_topic_in_another_village_is_not_an_overlap(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    activity(koperasi, "Bimtek tenun", places=(PETUNG,))  # same district, another village
    activity(koperasi, "Diklat tenun", places=(WARU,))  # another district
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_a_district_wide_activity_covers_its_villages(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    wide = activity(koperasi, "Bimtek tenun se-Kecamatan Penajam", places=(PENAJAM,))
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [wide.pk]


def test_same_everything_in_another_year_is_not_an_overlap(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    activity(koperasi, "Pelatihan tenun ikat", start=dt.date(2025, 6, 2), end=dt.date(2025, 7, 20))
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_an_adjacent_quarter_is_an_overlap_with_a_lower_score(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    nxt = activity(koperasi, "Bimtek tenun lanjutan", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    activity(koperasi, "Bimtek tenun akhir tahun", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 20))
    [found] = overlaps_for(actor=system_actor, activity=mine)
    assert found.activity_id == nxt.pk
    assert THRESHOLD <= found.score < 1
    assert "waktunya berdekatan (selang 43 hari)" in found.reasons


def test_own_agency_activities_are_not_overlaps(system_actor, dinas):
    mine = activity(dinas, "Pelatihan tenun ikat")
    activity(dinas, "Pelatihan tenun ikat angkatan II")
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_shared_beneficiaries_count_and_are_named(system_actor, dinas, koperasi):
    weavers = EnterpriseFactory.create_batch(4, kbli_id="13122", village_id=WARU)
    mine = activity(dinas, "Pelatihan peningkatan mutu", places=())
    theirs = activity(koperasi, "Bimtek desain produk", places=())
    mine.enterprises.set(weavers)
    theirs.enterprises.set(weavers[:3])
    [found] = overlaps_for(actor=system_actor, activity=mine)
    assert found.activity_id == theirs.pk
    assert "3 IKM yang sama" in found.reasons
    # Without the shared IKM, the same two titles in different villages are no overlap.
    theirs.enterprises.set(EnterpriseFactory.create_batch(3, kbli_id="13122", village_id=PETUNG))
    assert overlaps_for(actor=system_actor, activity=mine) == []


def test_beneficiaries_kbli_decides_when_titles_name_no_commodity(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan peningkatan mutu")
    same = activity(koperasi, "Bimtek desain kemasan")
    other = activity(koperasi, "Bimtek manajemen usaha")
    mine.enterprises.set([EnterpriseFactory(kbli_id="13122")])
    same.enterprises.set([EnterpriseFactory(kbli_id="13122")])
    other.enterprises.set([EnterpriseFactory(kbli_id="10794")])
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [same.pk]


def test_a_draft_is_checked_before_saving(system_actor, dinas, koperasi):
    theirs = activity(koperasi, "Pelatihan tenun ikat")
    draft = {
        "name": "Diklat songket",
        "kind": "training",
        "agency_id": dinas.pk,
        "fiscal_year": 2026,
        "start_date": "2026-07-01",
        "end_date": "2026-07-31",
        "location_codes": [SALOLOANG],
    }
    [found] = overlaps_for(actor=system_actor, draft=draft)
    assert found.activity_id == theirs.pk and "Juli 2026" in found.reasons
    # The draft's own agency is left out.
    assert overlaps_for(actor=system_actor, draft={**draft, "agency_id": koperasi.pk}) == []
    # An edit: the draft replaces the saved values and the activity itself is left out.
    mine = activity(dinas, "Pelatihan batik", places=(WARU,))
    assert overlaps_for(actor=system_actor, activity=mine) == []
    assert ids(overlaps_for(actor=system_actor, activity=mine, draft=draft)) == [theirs.pk]


def test_existing_link_is_reported_and_limit_and_order_hold(system_actor, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat")
    best = activity(koperasi, "Bimtek tenun")
    later = activity(koperasi, "Bimtek tenun", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    ActivityLink.objects.create(first=mine, second=later, kind="sequence")
    results = overlaps_for(actor=system_actor, activity=mine)
    assert ids(results) == [best.pk, later.pk]
    assert [r.link_kind for r in results] == [None, "sequence"]
    assert ids(overlaps_for(actor=system_actor, activity=mine, limit=1)) == [best.pk]


def test_scope_regency_sees_other_regions_only_by_name_and_agency_when_they_work_there(dinas, koperasi):
    dekranasda = AgencyFactory(
        name="Dekranasda Provinsi Kalimantan Timur", kind="dekranasda", region_id=KALTIM
    )
    mine = activity(dinas, "Pelatihan tenun ikat")
    readable = activity(koperasi, "Bimtek tenun")
    province_wide = activity(dekranasda, "Pelatihan tenun se-Kalimantan Timur", places=(KALTIM,))
    in_village = activity(dekranasda, "Pelatihan songket Salo Loang")
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=dinas))
    results = {r.activity_id: r for r in overlaps_for(actor=officer, activity=mine)}
    # A province-wide activity is too broad to be a probable overlap on place alone (0.4 < THRESHOLD).
    assert set(results) == {readable.pk, in_village.pk}
    assert province_wide.pk not in results
    assert results[readable.pk].detail_visible and results[readable.pk].reasons
    hidden = results[in_village.pk]
    assert not hidden.detail_visible
    assert hidden.name == "Pelatihan songket Salo Loang" and hidden.agency_name == dekranasda.name
    assert (hidden.reasons, hidden.start_date, hidden.end_date, hidden.region_name) == ([], None, None, "")
    # The province reads both in full.
    province = actor_of(persona(Role.PROVINCE_OFFICER, agency=dekranasda))
    results = overlaps_for(actor=province, activity=mine)
    assert len(results) == 2 and all(r.detail_visible and r.reasons for r in results)


def test_scope_leaves_out_activities_that_work_outside_the_readers_region(koperasi):
    """A PPU officer checking a draft does not learn of Kudus activities (no place in PPU)."""
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    kudus_village = "33.19.01.2001"
    activity(kudus, "Pelatihan batik", places=(kudus_village,))
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=koperasi))
    draft = {"name": "Pelatihan batik", "kind": "training", "agency_id": koperasi.pk, "fiscal_year": 2026}
    assert overlaps_for(actor=officer, draft={**draft, "location_codes": [kudus_village]}) == []
    # A national reader would be told.
    assert (
        len(
            overlaps_for(
                actor=actor_of(persona(Role.MINISTRY_ANALYST)),
                draft={**draft, "location_codes": [kudus_village]},
            )
        )
        == 1
    )


def test_a_draft_cannot_probe_enterprises_outside_the_readers_region(koperasi, dinas):
    kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id="33.19")
    far = EnterpriseFactory(village_id="33.19.01.2001", kbli_id="13122")
    theirs = activity(kudus, "Pelatihan tenun", places=())
    theirs.enterprises.set([far])
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=koperasi))
    draft = {"name": "Pelatihan tenun", "kind": "training", "agency_id": koperasi.pk, "fiscal_year": 2026}
    assert overlaps_for(actor=officer, draft={**draft, "enterprise_ids": [far.pk]}) == []


def test_anonymous_and_roleless_get_nothing(dinas, koperasi):
    from sentra.accounts.scope import ANONYMOUS

    mine = activity(dinas, "Pelatihan tenun ikat")
    activity(koperasi, "Bimtek tenun")
    assert overlaps_for(actor=ANONYMOUS, activity=mine) == []


def test_the_check_of_one_activity_takes_a_bounded_number_of_queries(
    system_actor, dinas, koperasi, django_assert_max_num_queries
):
    mine = activity(dinas, "Pelatihan tenun ikat")
    mine.centres.set([CentreFactory()])
    for i in range(8):
        other = activity(koperasi, f"Bimtek tenun {i}")
        other.enterprises.set([EnterpriseFactory()])
    with django_assert_max_num_queries(16):
        assert len(overlaps_for(actor=system_actor, activity=mine)) == 8
