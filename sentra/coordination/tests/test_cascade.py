"""National programmes cascaded to the regions (issue 15 §6): who sends, who decides, who reads,
the rules of a decision, the next national meeting's agenda, the API and the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.coordination import cascade
from sentra.coordination.models import Adoption, NationalProgramme
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory

from .factories import MeetingFactory, MeetingSeriesFactory, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The ministry and Dekranas (national), two provinces (Kaltim, NTT) with their industry offices,
    two regencies of Kaltim (PPU, Kutai Timur) with theirs, and Dekranasda Kutai Timur; a user each."""
    agencies = {
        "ministry": AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None),
        "dekranas": AgencyFactory(name="Dewan Kerajinan Nasional", kind="dekranas", region_id=None),
        "kaltim": AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
        "ntt": AgencyFactory(name="Disperindag NTT", kind="province_industry", region_id="53"),
        "ppu": AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09"),
        "kutim": AgencyFactory(
            name="Disperindag Kabupaten Kutai Timur", kind="regency_industry", region_id="64.08"
        ),
        "dekranasda": AgencyFactory(
            name="Dekranasda Kabupaten Kutai Timur", kind="dekranas", region_id="64.08"
        ),
    }
    roles = {
        "ministry": Role.MINISTRY_ADMIN,
        "dekranas": Role.DEKRANAS_OFFICER,
        "kaltim": Role.PROVINCE_OFFICER,
        "ntt": Role.PROVINCE_OFFICER,
        "ppu": Role.REGENCY_OFFICER,
        "kutim": Role.REGENCY_OFFICER,
        "dekranasda": Role.DEKRANAS_OFFICER,
    }
    actors = {key: actor_of(persona(roles[key], agency=agency)) for key, agency in agencies.items()}
    actors["analyst"] = actor_of(persona(Role.MINISTRY_ANALYST, agency=agencies["ministry"]))
    return agencies, actors


def send(actors, agencies, *, level="regency", sender="dekranas", **data):
    data.setdefault("title", "Program Kerja Dekranas 2022–2024: pelatihan perajin")
    return cascade.programme_create(
        actor=actors[sender], agency=agencies[sender], level=level, send=True, fiscal_year=2026, **data
    )


def adoption_of(programme, agency) -> Adoption:
    return Adoption.objects.get(programme=programme, agency=agency)


def readers(actors, get, pk) -> set[str]:
    found = set()
    for key, actor in actors.items():
        try:
            get(actor=actor, pk=pk)
            found.add(key)
        except NotFound:
            pass
    return found


# --- sending -----------------------------------------------------------------------------------------


def test_sending_to_regencies_creates_one_pending_adoption_per_province_and_regency_office(world):
    agencies, actors = world
    programme = send(actors, agencies, level="regency")
    assert programme.sent_on == dt.date(2026, 11, 16)
    adoptions = Adoption.objects.filter(programme=programme)
    assert {a.agency.name for a in adoptions} == {
        "Disperindagkop Kaltim",
        "Disperindag NTT",
        "Dinas Perindustrian PPU",
        "Disperindag Kabupaten Kutai Timur",
    }
    assert {a.status for a in adoptions} == {"pending"}
    kutim = adoption_of(programme, agencies["kutim"])
    assert (kutim.region_id, kutim.province_code, kutim.regency_code, kutim.fiscal_year) == (
        "64.08",
        "64",
        "64.08",
        2026,
    )


def test_sending_to_provinces_reaches_the_province_offices_only(world):
    agencies, actors = world
    programme = send(actors, agencies, level="province", sender="ministry", title="Prioritas IKM 2026")
    assert set(Adoption.objects.filter(programme=programme).values_list("agency__name", flat=True)) == {
        "Disperindagkop Kaltim",
        "Disperindag NTT",
    }


def test_a_programme_is_sent_once(world):
    agencies, actors = world
    programme = send(actors, agencies)
    with pytest.raises(DomainError) as error:
        cascade.programme_send(actor=actors["dekranas"], programme=programme)
    assert error.value.code == "already_sent"
    assert Adoption.objects.filter(programme=programme).count() == 4


def test_a_sent_programmes_level_is_fixed_but_its_text_may_change(world):
    agencies, actors = world
    programme = send(actors, agencies)
    with pytest.raises(DomainError) as error:
        cascade.programme_update(actor=actors["dekranas"], programme=programme, level="province")
    assert error.value.code == "already_sent"
    cascade.programme_update(actor=actors["dekranas"], programme=programme, description="Rincian baru")
    programme.refresh_from_db()
    assert programme.description == "Rincian baru"
    assert programme.version == 3  # created, sent, changed


def test_a_draft_can_be_sent_later_and_its_level_changed_before(world):
    agencies, actors = world
    programme = cascade.programme_create(
        actor=actors["ministry"], agency=agencies["ministry"], title="Prioritas 2026", level="regency"
    )
    assert programme.sent_on is None and not programme.adoptions.exists()
    assert programme.fiscal_year == 2026  # from today, there being no meeting
    cascade.programme_update(actor=actors["ministry"], programme=programme, level="province")
    assert cascade.programme_send(actor=actors["ministry"], programme=programme) == 2


def test_only_national_agencies_send_programmes(world):
    agencies, actors = world
    for key in ("kaltim", "kutim", "dekranasda"):
        with pytest.raises(AccessDenied):
            send(actors, agencies, sender=key)
    assert not NationalProgramme.objects.exists()


def test_an_analyst_reads_but_does_not_send(world):
    agencies, actors = world
    with pytest.raises(AccessDenied):
        cascade.programme_create(actor=actors["analyst"], agency=agencies["ministry"], title="X", send=True)


def test_dekranas_sends_only_in_its_own_name(world):
    agencies, actors = world
    with pytest.raises(AccessDenied):
        cascade.programme_create(actor=actors["dekranas"], agency=agencies["ministry"], title="X")


def test_sending_is_all_or_nothing(world, monkeypatch):
    agencies, actors = world
    programme = cascade.programme_create(actor=actors["dekranas"], agency=agencies["dekranas"], title="X")
    calls = []

    def failing_save(actor, record, **kwargs):
        calls.append(record)
        if isinstance(record, Adoption) and len(calls) > 2:
            raise RuntimeError("disk full")
        return original(actor, record, **kwargs)

    original = cascade.services._save
    monkeypatch.setattr(cascade.services, "_save", failing_save)
    with pytest.raises(RuntimeError):
        cascade.programme_send(actor=actors["dekranas"], programme=programme)
    programme.refresh_from_db()
    assert programme.sent_on is None
    assert not Adoption.objects.filter(programme=programme).exists()


def test_sending_is_audited(world):
    agencies, actors = world
    programme = send(actors, agencies)
    adoption = adoption_of(programme, agencies["kutim"])
    assert AuditEvent.objects.filter(
        object_type="coordination.adoption", object_id=adoption.pk, action="create"
    ).exists()


# --- who reads what ----------------------------------------------------------------------------------


def test_the_programme_is_read_by_everyone_it_was_sent_to_and_the_sender(world):
    agencies, actors = world
    to_provinces = send(actors, agencies, level="province")
    # Sent to the provinces: their regencies' users read it too (it is inside their province's
    # region? no: the adoption is placed at the province, outside a regency's region).
    assert readers(actors, cascade.programme_get, to_provinces.pk) == {
        "ministry",
        "analyst",
        "dekranas",
        "kaltim",
        "ntt",
    }
    to_regencies = send(actors, agencies, level="regency", title="Program kedua")
    assert readers(actors, cascade.programme_get, to_regencies.pk) == {
        "ministry",
        "analyst",
        "dekranas",
        "kaltim",
        "ntt",
        "ppu",
        "kutim",
        "dekranasda",
    }


def test_a_draft_is_read_by_the_national_users_only(world):
    agencies, actors = world
    draft = cascade.programme_create(actor=actors["dekranas"], agency=agencies["dekranas"], title="Rancangan")
    assert readers(actors, cascade.programme_get, draft.pk) == {"ministry", "analyst", "dekranas"}


def test_a_province_reads_its_regencies_adoptions_a_regency_not_its_neighbours(world):
    agencies, actors = world
    programme = send(actors, agencies)
    kutim = adoption_of(programme, agencies["kutim"])
    assert readers(actors, cascade.adoption_get, kutim.pk) == {
        "ministry",
        "analyst",
        "dekranas",
        "kaltim",
        "kutim",
        "dekranasda",
    }
    kaltim = adoption_of(programme, agencies["kaltim"])
    assert readers(actors, cascade.adoption_get, kaltim.pk) == {"ministry", "analyst", "dekranas", "kaltim"}
    seen_by_kaltim = cascade.adoption_list(actor=actors["kaltim"], programme=programme)
    assert {a.agency.name for a in seen_by_kaltim} == {
        "Disperindagkop Kaltim",
        "Dinas Perindustrian PPU",
        "Disperindag Kabupaten Kutai Timur",
    }


def test_the_list_counts_only_the_adoptions_the_reader_sees(world):
    agencies, actors = world
    programme = send(actors, agencies)
    row = cascade.programme_list(actor=actors["kaltim"]).get(pk=programme.pk)
    assert (row.n_adoptions, row.n_pending, row.n_adopted) == (3, 3, 0)
    national = cascade.programme_list(actor=actors["analyst"]).get(pk=programme.pk)
    assert national.n_adoptions == 4


def test_the_list_filters_by_year_status_and_text(world):
    agencies, actors = world
    send(actors, agencies, title="Pelatihan perajin tenun")
    cascade.programme_create(
        actor=actors["ministry"], agency=agencies["ministry"], title="Prioritas 2025", fiscal_year=2025
    )

    def titles(**f):
        found = cascade.programme_list(actor=actors["ministry"], filters=cascade.ProgrammeFilter(**f))
        return {p.title for p in found}

    assert titles(year=2025) == {"Prioritas 2025"}
    assert titles(status="draft") == {"Prioritas 2025"}
    assert titles(status="sent") == {"Pelatihan perajin tenun"}
    assert titles(q="tenun") == {"Pelatihan perajin tenun"}


# --- deciding ----------------------------------------------------------------------------------------


def test_a_regency_adopts_with_its_own_activities(world):
    agencies, actors = world
    programme = send(actors, agencies)
    adoption = adoption_of(programme, agencies["kutim"])
    training = ActivityFactory(agency=agencies["dekranasda"], name="Pelatihan anyaman rotan")
    cascade.adoption_decide(
        actor=actors["kutim"], adoption=adoption, status="adopted", activities=[training], funding="grant"
    )
    adoption.refresh_from_db()
    assert adoption.status == "adopted"
    assert adoption.decided_on == dt.date(2026, 11, 16)
    assert list(adoption.activities.all()) == [training]
    entry = AuditEvent.objects.filter(
        object_type="coordination.adoption", object_id=adoption.pk, action="update"
    ).latest("pk")
    assert "activities" in entry.changes


def test_adopted_needs_an_adaptation_or_an_activity(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    with pytest.raises(DomainError) as error:
        cascade.adoption_decide(actor=actors["kutim"], adoption=adoption, status="adopted", adaptation="  ")
    assert error.value.code == "adaptation_required"
    assert error.value.errors[0].field == "adaptation"
    cascade.adoption_decide(
        actor=actors["kutim"], adoption=adoption, status="adopted", adaptation="Lewat PK dengan Dekranasda"
    )
    assert Adoption.objects.get(pk=adoption.pk).status == "adopted"


def test_declined_needs_a_reason_and_drops_the_activities(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["ppu"])
    with pytest.raises(DomainError) as error:
        cascade.adoption_decide(actor=actors["ppu"], adoption=adoption, status="declined")
    assert error.value.code == "decline_reason_required"
    assert Adoption.objects.get(pk=adoption.pk).status == "pending"
    cascade.adoption_decide(
        actor=actors["ppu"], adoption=adoption, status="declined", decline_reason="Tidak ada perajin rotan"
    )
    adoption.refresh_from_db()
    assert (adoption.status, adoption.decline_reason) == ("declined", "Tidak ada perajin rotan")


def test_back_to_pending_clears_the_decision_date(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["ppu"])
    cascade.adoption_decide(actor=actors["ppu"], adoption=adoption, status="declined", decline_reason="X")
    cascade.adoption_decide(actor=actors["ppu"], adoption=adoption, status="pending")
    adoption.refresh_from_db()
    assert (adoption.decided_on, adoption.decline_reason) == (None, "")


def test_activities_of_another_region_are_unknown(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    elsewhere = ActivityFactory(agency=agencies["ppu"])
    with pytest.raises(DomainError) as error:
        cascade.adoption_decide(
            actor=actors["kutim"], adoption=adoption, status="adopted", activities=[elsewhere]
        )
    assert error.value.code == "unknown_reference"
    assert error.value.errors[0].field == "activities"


def test_activities_are_the_agencys_or_its_regions_even_for_who_reads_everything(world):
    from sentra.accounts.scope import system_actor

    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    ppu_training = ActivityFactory(agency=agencies["ppu"])
    with pytest.raises(DomainError) as error:
        cascade.adoption_decide(
            actor=system_actor(), adoption=adoption, status="adopted", activities=[ppu_training]
        )
    assert error.value.code == "unknown_reference"
    dekranasda_training = ActivityFactory(agency=agencies["dekranasda"])  # another agency, same regency
    cascade.adoption_decide(
        actor=system_actor(), adoption=adoption, status="adopted", activities=[dekranasda_training]
    )


def test_a_province_reads_but_does_not_decide_for_its_regency(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    with pytest.raises(AccessDenied):
        cascade.adoption_decide(
            actor=actors["kaltim"], adoption=adoption, status="declined", decline_reason="x"
        )


def test_a_neighbour_gets_not_found(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    with pytest.raises(NotFound):
        cascade.adoption_decide(actor=actors["ppu"], adoption=adoption, status="declined", decline_reason="x")


def test_a_stale_decision_is_refused(world):
    agencies, actors = world
    adoption = adoption_of(send(actors, agencies), agencies["kutim"])
    from sentra.core.errors import StaleVersion

    with pytest.raises(StaleVersion):
        cascade.adoption_decide(
            actor=actors["kutim"], adoption=adoption, status="adopted", adaptation="x", expected_version=99
        )


def test_my_pending_adoptions(world):
    agencies, actors = world
    programme = send(actors, agencies)
    assert [a.programme for a in cascade.my_pending_adoptions(actor=actors["kutim"])] == [programme]
    cascade.adoption_decide(
        actor=actors["kutim"],
        adoption=adoption_of(programme, agencies["kutim"]),
        status="adopted",
        adaptation="x",
    )
    assert not cascade.my_pending_adoptions(actor=actors["kutim"]).exists()
    assert not cascade.my_pending_adoptions(actor=actors["analyst"]).exists()


# --- the next national meeting ---------------------------------------------------------------------


def test_the_next_rakernas_gets_the_adoption_status_on_its_agenda(world):
    agencies, actors = world
    rakernas_2022 = MeetingFactory(
        agency=agencies["dekranas"],
        kind="rakernas",
        title="Rakernas Dekranas 2022",
        starts_at=wib(2022, 9, 20, 9),
    )
    rakernas_2026 = MeetingFactory(
        agency=agencies["dekranas"], kind="rakernas", title="Rakernas Dekranas 2026"
    )
    programme = send(actors, agencies, presented_at=rakernas_2022)
    cascade.adoption_decide(
        actor=actors["kutim"],
        adoption=adoption_of(programme, agencies["kutim"]),
        status="adopted",
        adaptation="x",
    )
    item = cascade.adoption_agenda(actor=actors["dekranas"], meeting=rakernas_2026)
    assert item.title == "Status adopsi program nasional"
    assert "1 diadopsi, 0 tidak, 3 belum diputuskan" in item.presenter
    assert cascade.adoption_agenda(actor=actors["dekranas"], meeting=rakernas_2026) is None  # once only
    (status,) = cascade.adoption_status_of(actor=actors["kaltim"], meeting=rakernas_2026)
    assert status.counts["adopted"] == 1 and status.counts["total"] == 3  # what Kaltim sees


def test_a_rakornas_of_a_series_looks_at_the_previous_edition(world):
    agencies, actors = world
    series = MeetingSeriesFactory(organiser=agencies["ministry"])
    first = MeetingFactory(
        agency=agencies["ministry"], kind="rakornas", series=series, edition=1, starts_at=wib(2026, 2, 15, 9)
    )
    second = MeetingFactory(agency=agencies["ministry"], kind="rakornas", series=series, edition=2)
    send(actors, agencies, sender="ministry", presented_at=first, level="province", title="Prioritas 2026")
    assert [
        s.programme.title for s in cascade.adoption_status_of(actor=actors["ministry"], meeting=second)
    ] == ["Prioritas 2026"]
    assert cascade.adoption_status_of(actor=actors["ministry"], meeting=first) == []


def test_a_provincial_rakor_carries_no_adoption_status(world):
    agencies, actors = world
    earlier = MeetingFactory(agency=agencies["kaltim"], starts_at=wib(2025, 3, 1, 9))
    later = MeetingFactory(agency=agencies["kaltim"])
    send(actors, agencies, presented_at=earlier)
    assert cascade.adoption_status_of(actor=actors["kaltim"], meeting=later) == []
    assert cascade.adoption_agenda(actor=actors["kaltim"], meeting=later) is None


# --- the API -----------------------------------------------------------------------------------------


@pytest.fixture
def as_(client, world):
    from django.contrib.auth import get_user_model

    _agencies, actors = world

    def call(who, method, url, data=None, **headers):
        client.force_login(get_user_model().objects.get(pk=actors[who].user_id))
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(f"/api/v1{url}", headers=headers, **kwargs)

    return call


def test_api_send_decide_and_read_per_scope(as_, world):
    agencies, actors = world
    rakernas = MeetingFactory(agency=agencies["dekranas"], kind="rakernas", title="Rakernas Dekranas 2022")
    created = as_(
        "dekranas",
        "post",
        "/national-programmes",
        {"title": "Program Dekranas", "presented_at_id": rakernas.pk, "level": "regency", "send": True},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["adoptions"] == {"total": 4, "pending": 4, "adopted": 0, "declined": 0}
    assert body["sent_on"] == "2026-11-16" and body["fiscal_year"] == rakernas.fiscal_year
    pk = body["id"]

    listed = as_("kaltim", "get", f"/national-programmes/{pk}/adoptions?sort=-region")
    assert [a["region"] for a in listed.json()["results"]] == ["64.09", "64.08", "64"]
    assert as_("kaltim", "get", "/national-programmes").json()["results"][0]["adoptions"]["total"] == 3
    kutim = next(a for a in listed.json()["results"] if a["region"] == "64.08")

    refused = as_("kutim", "patch", f"/adoptions/{kutim['id']}", {"status": "adopted"})
    assert refused.status_code == 400 and refused.json()["code"] == "adaptation_required"
    foreign = ActivityFactory(agency=agencies["ppu"])
    unknown = as_(
        "kutim", "patch", f"/adoptions/{kutim['id']}", {"status": "adopted", "activities": [foreign.pk]}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_reference"
    own = ActivityFactory(agency=agencies["kutim"])
    stale = as_("kutim", "patch", f"/adoptions/{kutim['id']}", {"status": "adopted"}, **{"If-Match": '"99"'})
    assert stale.status_code == 412
    done = as_(
        "kutim",
        "patch",
        f"/adoptions/{kutim['id']}",
        {"status": "adopted", "activities": [own.pk], "funding": "grant"},
        **{"If-Match": f'"{kutim["version"]}"'},
    )
    assert done.status_code == 200, done.content
    assert done.json()["activities"] == [own.pk] and done.headers["ETag"] == f'"{kutim["version"] + 1}"'
    declined = as_("ppu", "get", f"/national-programmes/{pk}/adoptions?status=adopted").json()
    assert declined["count"] == 0  # PPU sees its own adoption only
    assert as_("ppu", "get", f"/adoptions/{kutim['id']}").status_code == 404
    assert as_("kaltim", "patch", f"/adoptions/{kutim['id']}", {"status": "pending"}).status_code == 403
    assert as_("kaltim", "get", f"/adoptions/{kutim['id']}").json()["status"] == "adopted"


def test_api_only_national_agencies_send_and_a_programme_is_sent_once(as_, world):
    agencies, actors = world
    assert as_("kaltim", "post", "/national-programmes", {"title": "X"}).status_code == 403
    draft = as_(
        "ministry", "post", "/national-programmes", {"title": "Prioritas IKM 2026", "level": "province"}
    )
    pk = draft.json()["id"]
    assert draft.json()["sent_on"] is None
    assert as_("kaltim", "get", f"/national-programmes/{pk}").status_code == 404  # a draft is not sent yet
    sent = as_("ministry", "patch", f"/national-programmes/{pk}", {"send": True})
    assert sent.status_code == 200 and sent.json()["adoptions"]["total"] == 2
    again = as_("ministry", "patch", f"/national-programmes/{pk}", {"send": True})
    assert again.status_code == 400 and again.json()["code"] == "already_sent"
    assert as_("kaltim", "get", f"/national-programmes/{pk}").status_code == 200
    meeting_elsewhere = as_(
        "ministry", "post", "/national-programmes", {"title": "Y", "presented_at_id": 2_000_000}
    )
    assert meeting_elsewhere.json()["code"] == "unknown_reference"


# --- the pages ---------------------------------------------------------------------------------------


@pytest.fixture
def login(client, world):
    from django.contrib.auth import get_user_model

    _agencies, actors = world

    def as_(who):
        client.force_login(get_user_model().objects.get(pk=actors[who].user_id))
        return client

    return as_


def test_pages_list_detail_export_map_and_decide(login, world):
    from django.urls import reverse

    agencies, actors = world
    client = login("dekranas")
    created = client.post(
        reverse("web:national_programme_create"),
        {"title": "Program Dekranas pelatihan perajin", "level": "regency", "send": "on"},
    )
    programme = NationalProgramme.objects.get()
    assert created.status_code == 302 and programme.sent_on is not None

    client = login("kaltim")
    page = client.get(
        reverse("web:national_programme_list"), {"q": "perajin", "tahun": 2026, "status": "sent"}
    )
    assert "Program Dekranas pelatihan perajin" in page.content.decode()
    detail = client.get(reverse("web:national_programme_detail", args=[programme.pk]), {"urut": "-region"})
    html = detail.content.decode()
    table = html[html.index('id="rows"') :]
    assert table.index("Dinas Perindustrian PPU") < table.index("Disperindagkop Kaltim")
    assert "Disperindag NTT" not in html  # another province's adoption
    assert 'id="programme-map"' in html
    csv = client.get(reverse("web:national_programme_export", args=[programme.pk]), {"status": "pending"})
    rows = b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4 and rows[0].startswith("ID,Program,Kode wilayah")
    xlsx = client.get(reverse("web:national_programme_export", args=[programme.pk]), {"format": "xlsx"})
    assert xlsx.status_code == 200
    shapes = json.loads(client.get(reverse("web:national_programme_map", args=[programme.pk])).content)
    assert {f["properties"]["code"]: f["properties"]["status"] for f in shapes["features"]} == {
        "64.08": "pending",
        "64.09": "pending",
    }
    provinces = json.loads(
        client.get(reverse("web:national_programme_map", args=[programme.pk]), {"peta": "province"}).content
    )
    assert [f["properties"]["code"] for f in provinces["features"]] == ["64"]

    adoption = adoption_of(programme, agencies["kutim"])
    assert login("kaltim").post(reverse("web:adoption_detail", args=[adoption.pk]), {}).status_code == 403
    assert login("ppu").get(reverse("web:adoption_detail", args=[adoption.pk])).status_code == 404
    client = login("kutim")
    home = client.get(reverse("web:dashboard"))
    form = client.get(reverse("web:adoption_detail", args=[adoption.pk]))
    assert "Simpan keputusan" in form.content.decode()
    refused = client.post(
        reverse("web:adoption_detail", args=[adoption.pk]),
        {"status": "declined", "version": adoption.version},
    )
    assert refused.status_code == 400
    assert "Sebutkan alasan program tidak diadopsi." in refused.content.decode()
    done = client.post(
        reverse("web:adoption_detail", args=[adoption.pk]),
        {"status": "declined", "decline_reason": "Belum ada perajin", "version": adoption.version},
    )
    assert done.status_code == 302
    assert Adoption.objects.get(pk=adoption.pk).status == "declined"
    assert "Program nasional menunggu keputusan" in home.content.decode()
    assert "Program nasional menunggu keputusan" not in client.get(reverse("web:dashboard")).content.decode()


def test_a_regional_user_cannot_open_the_programme_form(login, world):
    from django.urls import reverse

    assert login("kaltim").get(reverse("web:national_programme_create")).status_code == 403
    assert login("dekranas").get(reverse("web:national_programme_create")).status_code == 200


def test_the_next_national_meetings_page_shows_the_adoption_status_and_puts_it_on_the_agenda(login, world):
    from django.urls import reverse

    agencies, actors = world
    rakernas_2022 = MeetingFactory(
        agency=agencies["dekranas"],
        kind="rakernas",
        title="Rakernas Dekranas 2022",
        starts_at=wib(2022, 9, 20, 9),
    )
    rakernas_2026 = MeetingFactory(
        agency=agencies["dekranas"], kind="rakernas", title="Rakernas Dekranas 2026"
    )
    send(actors, agencies, presented_at=rakernas_2022, title="Program Dekranas 2022")
    client = login("dekranas")
    page = client.get(reverse("web:meeting_detail", args=[rakernas_2026.pk])).content.decode()
    assert 'id="programme-status"' in page and "Program Dekranas 2022" in page
    assert "Masukkan ke acara" in page
    client.post(reverse("web:meeting_adoption_agenda", args=[rakernas_2026.pk]))
    assert rakernas_2026.agendaitems.filter(title="Status adopsi program nasional").exists()
    earlier = client.get(reverse("web:meeting_detail", args=[rakernas_2022.pk])).content.decode()
    assert 'id="programme-status"' not in earlier
