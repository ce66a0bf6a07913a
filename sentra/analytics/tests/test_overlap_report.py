"""The overlaps report per region: likely duplicates not yet linked, trainings not followed up, pages."""

import datetime as dt

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import links, overlap_report
from sentra.analytics.tests.test_links import JULY, JUNE, SALOLOANG, activity
from sentra.conftest import KUDUS
from sentra.core.errors import DomainError, NotFound
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_user(dinas):
    return persona(Role.REGENCY_OFFICER, agency=dinas)


@pytest.fixture
def officer(officer_user):
    return actor_of(officer_user)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def report(actor, **kw):
    return overlap_report.build(actor=actor, f=overlap_report.clean_filter(actor, year="2026", **kw))


def test_a_duplicate_is_listed_once_until_it_is_linked(officer, dinas, koperasi):
    mine = activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    theirs = activity(koperasi, "Bimtek tenun Desa Salo Loang")
    activity(koperasi, "Pelatihan batik Desa Salo Loang")  # another topic: not a duplicate
    [row] = report(officer).duplicates
    assert {row.activity_id, row.other_id} == {mine.pk, theirs.pk}
    assert row.score >= 0.5 and "sama-sama pelatihan tenun" in row.reasons
    links.link_activities(actor=officer, first=mine, second=theirs, kind="sequence")
    assert report(officer).duplicates == []


def test_a_finished_training_without_a_next_step_is_listed(officer, dinas, koperasi):
    weavers = EnterpriseFactory.create_batch(2, village_id=SALOLOANG)
    done = activity(dinas, "Pelatihan tenun dasar")  # June–July 2026, finished by 16 Nov 2026
    done.enterprises.set(weavers[1:])
    followed = activity(dinas, "Pelatihan anyaman dasar")
    followed.enterprises.set(weavers[:1])
    aid = ActivityFactory(
        agency=koperasi, kind="machine_aid", start_date=dt.date(2026, 8, 1), end_date=dt.date(2026, 8, 30)
    )
    aid.enterprises.set(weavers[:1])
    linked = activity(dinas, "Pelatihan batik dasar")
    nxt = activity(koperasi, "Pelatihan batik lanjutan", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 9))
    links.link_activities(actor=officer, first=linked, second=nxt, kind="sequence")
    rows = {r.name: r for r in report(officer).trainings}
    assert "Pelatihan batik dasar" not in rows  # a sequence link names its next step
    assert "Pelatihan anyaman dasar" not in rows  # the August machine aid follows it up
    assert "Pelatihan batik lanjutan" not in rows  # not finished yet (December)
    assert rows[done.name].beneficiaries == 1 and "1 penerimanya" in rows[done.name].note
    assert JUNE < JULY


def test_filters_refuse_bad_values_and_another_region(officer):
    with pytest.raises(DomainError) as err:
        overlap_report.clean_filter(officer, year="20x6")
    assert err.value.code == "invalid_year"
    with pytest.raises(DomainError) as err:
        overlap_report.clean_filter(officer, kind="party")
    assert err.value.code == "unknown_kind"
    with pytest.raises(DomainError) as err:
        overlap_report.clean_filter(officer, region="99.99")
    assert err.value.code == "unknown_region"
    with pytest.raises(NotFound):
        overlap_report.clean_filter(officer, region=KUDUS)


def test_the_page_and_its_exports(officer_user, dinas, koperasi):
    activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    activity(koperasi, "Bimtek tenun Desa Salo Loang")
    client = client_of(officer_user)
    page = client.get("/analisis/tumpang-tindih/?tahun=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bimtek tenun Desa Salo Loang" in text and "sama-sama pelatihan tenun" in text
    bad = client.get("/analisis/tumpang-tindih/?tahun=abc")
    assert bad.status_code == 400 and "Tahun anggaran harus empat angka" in bad.content.decode()
    csv = client.get("/analisis/tumpang-tindih/ekspor/?tahun=2026&tabel=duplikat")
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Bimtek tenun Desa Salo Loang" in body
    xlsx = client.get("/analisis/tumpang-tindih/ekspor/?tahun=2026&tabel=pelatihan&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')


def test_both_activity_pages_show_the_link_and_the_form_checks_a_draft(
    officer_user, officer, dinas, koperasi
):
    mine = activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    theirs = activity(koperasi, "Bimtek tenun Desa Salo Loang")
    client = client_of(officer_user)
    page = client.get(f"/program/kegiatan/{mine.pk}/").content.decode()
    assert "Kemungkinan tumpang tindih yang belum diputuskan" in page and theirs.name in page
    answer = client.post(
        f"/analisis/tumpang-tindih/kegiatan/{mine.pk}/tautan/",
        {"other": theirs.pk, "kind": "separate", "reason": ""},
    )
    assert answer.status_code == 302
    assert not links.links_of(actor=officer, activity=mine)  # reason missing: nothing written
    client.post(
        f"/analisis/tumpang-tindih/kegiatan/{mine.pk}/tautan/",
        {"other": theirs.pk, "kind": "sequence", "order": "this_first"},
    )
    for act, other in ((mine, theirs), (theirs, mine)):
        text = client.get(f"/program/kegiatan/{act.pk}/").content.decode()
        assert "Keputusan yang tercatat" in text and "Berurutan" in text and other.name in text
    draft = client.get(
        "/analisis/tumpang-tindih/periksa/",
        {
            "name": "Diklat tenun ikat",
            "kind": "training",
            "start_date": "2026-06-15",
            "end_date": "2026-07-01",
            "location_codes": SALOLOANG,
        },
    ).content.decode()
    assert "kemungkinan tumpang tindih dengan rencana ini" in draft and theirs.name in draft


def test_each_table_of_the_page_comes_in_pages_of_its_own(officer_user, dinas, koperasi, monkeypatch):
    from sentra.web.views import analytics_overlaps

    monkeypatch.setattr(analytics_overlaps, "REPORT_PER_PAGE", 1)
    activity(dinas, "Pelatihan tenun ikat Desa Salo Loang")
    activity(koperasi, "Bimtek tenun Desa Salo Loang")
    activity(dinas, "Pelatihan batik Desa Salo Loang")
    activity(koperasi, "Bimtek batik tulis Desa Salo Loang")
    client = client_of(officer_user)
    url = "/analisis/tumpang-tindih/?tahun=2026&hal_pelatihan=1"
    first, second = (client.get(url + extra).content.decode() for extra in ("", "&hal_duplikat=2"))
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    assert 'href="?tahun=2026&amp;hal_pelatihan=1&amp;hal_duplikat=2#duplicates"' in first  # keeps the rest
    assert 'href="?tahun=2026&amp;hal_pelatihan=1&amp;hal_duplikat=1#duplicates"' in second  # and back
    shown = [("pelatihan tenun" in page, "pelatihan batik" in page) for page in (first, second)]
    assert sorted(shown) == [(False, True), (True, False)]  # one pair per page, each pair once
    assert '<span class="badge">2</span>' in first  # the count is of every row, not of the page
