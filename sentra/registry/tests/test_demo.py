"""`sentra demo`: the real PPU, Tarakan and Balikpapan facts, generated data, logins, idempotence."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from sentra.agencies.models import Agency
from sentra.regions.models import Kbli
from sentra.registry import demo
from sentra.registry.demo import DemoReport, demo_real_facts, demo_rows, enterprise_rows
from sentra.registry.demo_facts import DEMO_PASSWORD, OTHER_CENTRES, PPU_CENTRES, Village
from sentra.registry.models import Centre, CentreMembership, CentreVillage, Decree, Enterprise
from sentra.registry.selectors import RegistryFilter, enterprise_list
from sentra.registry.services import centre_warnings
from sentra.registry.tests.factories import EnterpriseFactory

SEPAN, PEMALUAN = "64.09.01.1015", "64.09.04.1006"
# Resolved by hand from the shipped Kemendagri list, to check the demo (docs/demo-facts.md, corrected
# 2026-12): coir (32905) in the coconut sentra, not copra; shrimp paste 10295, not 10215 (fish only).
PPU_VILLAGES = {
    "Sentra Kelapa dan Kerajinannya": ({"64.09.01.1002", "64.09.01.1005", "64.09.01.1001"}, "32905"),
    "Sentra Kapal Rakyat": ({"64.09.01.1011", "64.09.01.1018"}, "30111"),
    "Sentra Hasil Laut": ({"64.09.03.2003"}, "10219"),
    "Sentra Batik": ({"64.09.02.2004"}, "13134"),
    "Sentra Terasi": ({"64.09.01.1018"}, "10295"),
    "Sentra Tenun": ({"64.09.04.2015"}, "13121"),
    # Kelurahan Sepan (Kecamatan Penajam, not Sepaku as reported) and Kelurahan Pemaluan (Sepaku).
    "Sentra Rotan": ({SEPAN, PEMALUAN}, "16291"),
    "Sentra Kerajinan Bambu": ({"64.09.01.1010"}, "16291"),
    "Sentra Gula Aren": ({"64.09.02.2001"}, "10722"),
}
BATU_AMPAR = "64.71.03.1001"  # Kelurahan Batu Ampar, Kecamatan Balikpapan Utara: the Somber sentra
MUARA_RAPAK = "64.71.03.1004"  # the kelurahan its decree (Kepwal 06/2000) names
# Every place the corrected facts give; none of them may be reported as unrecognised.
CORRECTED_PLACES = ("Sepan", "Pemaluan", "Somber", "Batu Ampar", "Muara Rapak", "Saloloang", "Jenebora")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Decree, Centre, CentreVillage, CentreMembership, Enterprise, get_user_model())
    }


def printed_unresolved(text: str) -> list[str]:
    """The lines `sentra demo` prints under "Tempat yang tidak dikenali"."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Tempat yang tidak dikenali")), None)
    if start is None:
        assert "Semua tempat dikenali." in text
        return []
    return [line for line in lines[start + 1 :] if line.startswith("  - ")]


@pytest.mark.django_db
def test_demo_small_runs_twice_without_duplicates():
    out = StringIO()
    call_command("demo", stdout=out)
    first = counts()
    assert 2_000 <= first["Enterprise"] <= 2_100 and 60 <= first["Centre"] <= 75
    call_command("demo", stdout=StringIO())
    assert counts() == first

    text = out.getvalue()
    for username in ("kemenperin", "disperindag.kaltim", "dinas.ppu", "tpl.ppu", "dekranasda.kutim", "admin"):
        assert f"{username} / {DEMO_PASSWORD}" in text
    # The printed report lists no unrecognised place that the corrected facts resolve.
    unresolved = printed_unresolved(text)
    assert not [line for line in unresolved if any(place in line for place in CORRECTED_PLACES)], unresolved

    # Every generated centre has at least five members of its own KBLI in its own village.
    for centre in Centre.objects.all():
        members = Enterprise.objects.filter(memberships__centre=centre)
        assert members.count() >= 5, centre
        assert set(members.values_list("kbli_id", flat=True)) == {centre.kbli_id}
        assert set(members.values_list("village_id", flat=True)) <= set(
            centre.village_links.values_list("village_id", flat=True)
        )
        if centre.status != "proposed":
            assert centre.decree_id and centre.designated_on


@pytest.mark.django_db
def test_ppu_decree_and_its_nine_centres():
    report = DemoReport()
    demo_real_facts(seed=2026, report=report)
    decree = Decree.objects.get(number="518/176/2020")
    assert decree.region_id == "64.09" and decree.kind == "sk_bupati"
    assert decree.issued_on == date(2020, 6, 11) and "Abdul Gafur Mas'ud" in decree.signatory
    centres = {c.name: c for c in decree.centres.all()}
    assert len(centres) == len(PPU_CENTRES) == 9
    for name, (villages, kbli) in PPU_VILLAGES.items():
        centre = centres[name]
        assert set(centre.village_links.values_list("village_id", flat=True)) == villages, name
        assert centre.kbli_id == kbli and centre.regency_code == "64.09"
        assert centre.status == "designated" and centre.designated_on == date(2020, 6, 11)
        assert centre.agency.name == "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara"
        members = centre.memberships.count()
        assert members >= 5 and centre_warnings(member_count=members) == []
        assert set(
            Enterprise.objects.filter(memberships__centre=centre).values_list("village_id", flat=True)
        ) <= (villages)


@pytest.mark.django_db
def test_every_real_place_is_resolved_or_reported():
    report = DemoReport()
    agencies = demo_real_facts(seed=2026, report=report)
    # Villages stated by code are checked against the reference data; the rest (Tarakan's
    # kelurahan, the agencies' regions) resolve through the gazetteer. Nothing is left unplaced.
    assert report.unresolved == [] and report.notes == []

    tarakan = Centre.objects.get(name="Sentra Pengolahan Hasil Laut Tarakan")
    assert set(tarakan.village_links.values_list("village_id", flat=True)) == {
        "65.71.03.1003",
        "65.71.03.1004",
    }
    assert tarakan.status == "proposed" and tarakan.kbli_id == "10794" and tarakan.decree is None
    assert tarakan.agency.short_name == "Disperindagkop Kaltara" and tarakan.memberships.count() >= 5

    regions = {a.short_name: a.region_id for a in agencies.values()}
    assert regions["Ditjen IKMA"] is None and regions["Dekranas"] is None
    assert regions["Disperindagkop Kaltim"] == "64" and regions["Disperindagkop Kaltara"] == "65"
    assert regions["Disperindag NTT"] == "53" and regions["Bapelitbang PPU"] == "64.09"
    assert regions["Dekranasda Kutim"] == "64.08" and regions["Diskominfo Kutim"] == "64.08"
    assert regions["DKUMKMP Balikpapan"] == "64.71"


@pytest.mark.django_db
def test_somber_is_kelurahan_batu_ampar_by_kepwal_06_2000_run_by_dkumkmp():
    demo_real_facts(seed=2026, report=DemoReport())
    somber = Centre.objects.get(name="Sentra IKM Tahu Tempe Somber")
    # "Somber" is a locality: the sentra lies in Kelurahan Batu Ampar, Balikpapan Utara.
    assert somber.village_id == BATU_AMPAR
    assert set(somber.village_links.values_list("village_id", flat=True)) == {BATU_AMPAR}
    assert somber.kbli_id == "10392" and somber.regency_code == "64.71"

    decree = somber.decree
    assert (decree.kind, decree.number, decree.region_id) == ("sk_walikota", "06/2000", "64.71")
    assert decree.issued_on.year == 2000 and "Muara Rapak" in decree.title
    assert somber.status == "designated" and somber.designated_on == decree.issued_on

    agency = somber.agency
    assert agency.name == "Dinas Koperasi, UMKM dan Perindustrian Kota Balikpapan"
    assert (agency.short_name, agency.kind, agency.region_id) == (
        "DKUMKMP Balikpapan",
        "regency_industry",
        "64.71",
    )

    # The decree's Muara Rapak is a note, not a second village; the other facts where the model has
    # a field (the UPTD, the production houses) or else in the description.
    assert not somber.village_links.filter(village_id=MUARA_RAPAK).exists()
    assert f"Kelurahan Muara Rapak ({MUARA_RAPAK})" in somber.description
    assert "Keputusan Walikota Balikpapan 14/2002" in somber.description
    assert "Peraturan Walikota Balikpapan 33/2018" in somber.upt_name
    assert "94 rumah produksi" in somber.facilities and "80" in somber.facilities
    assert "98 anggota IKM" in somber.description

    members = Enterprise.objects.filter(memberships__centre=somber)
    assert members.count() >= 5 and set(members.values_list("village_id", flat=True)) == {BATU_AMPAR}
    assert set(members.values_list("kbli_id", flat=True)) == {"10392"}


@pytest.mark.django_db
def test_rattan_sentra_in_sepan_and_pemaluan_with_the_reported_kecamatan_as_a_note():
    demo_real_facts(seed=2026, report=DemoReport())
    rattan = Centre.objects.get(name="Sentra Rotan")
    assert rattan.village_id == SEPAN  # where the sentra was inaugurated (4 Nov 2022)
    assert set(rattan.village_links.values_list("village_id", flat=True)) == {SEPAN, PEMALUAN}
    assert "Kecamatan Sepaku" in rattan.description and f"Sepan ({SEPAN})" in rattan.description
    members = Enterprise.objects.filter(memberships__centre=rattan)
    assert set(members.values_list("village_id", flat=True)) == {SEPAN, PEMALUAN}


@pytest.mark.django_db
def test_terasi_and_coconut_coir_have_their_kbli():
    demo_real_facts(seed=2026, report=DemoReport())
    terasi = Centre.objects.get(name="Sentra Terasi")
    assert terasi.kbli_id == "10295"  # fermentasi biota air lainnya; 10215 is fish only
    coconut = Centre.objects.get(name="Sentra Kelapa dan Kerajinannya")
    assert (
        coconut.kbli_id == "32905" and Kbli.objects.get(code="32905").title == "Industri Serat Sabut Kelapa"
    )
    assert "sabut" in coconut.commodity.lower() and "kopra" not in coconut.commodity.lower()
    for centre in (terasi, coconut):
        kbli = set(Enterprise.objects.filter(memberships__centre=centre).values_list("kbli_id", flat=True))
        assert kbli == {centre.kbli_id}
    assert not Enterprise.objects.filter(name__contains="Kopra", nib__startswith="8").exists()


@pytest.mark.django_db
def test_a_stated_code_the_reference_data_contradicts_is_reported_not_placed(monkeypatch):
    rattan = next(spec for spec in PPU_CENTRES if spec["name"] == "Sentra Rotan")
    wrong = Village("Sepan", "Sepaku", SEPAN)  # the kecamatan as first reported
    unknown = Village("Pemaluan", "Sepaku", "64.09.04.1999")
    monkeypatch.setitem(rattan, "villages", [wrong, unknown, Village("Telemow", "Sepaku")])
    report = DemoReport()
    demo_real_facts(seed=2026, report=report)
    assert report.unresolved == [
        f"{SEPAN} Sepan, Kecamatan Sepaku, Kabupaten Penajam Paser Utara → contradictory: "
        f"kode {SEPAN} adalah Sepan, Kecamatan Penajam, Kabupaten Penajam Paser Utara.",
        "64.09.04.1999 Pemaluan, Kecamatan Sepaku, Kabupaten Penajam Paser Utara → not_found: "
        "kode tidak ada di data wilayah.",
    ]
    assert report.notes == ["Sentra Rotan: hanya desa yang dikenali yang dicatat."]
    centre = Centre.objects.get(name="Sentra Rotan")  # Telemow came through the gazetteer
    assert set(centre.village_links.values_list("village_id", flat=True)) == {"64.09.04.2015"}


@pytest.mark.django_db
def test_a_place_given_by_name_that_does_not_resolve_is_reported(monkeypatch):
    tarakan = next(spec for spec in OTHER_CENTRES if spec["regency"] == "Kota Tarakan")
    monkeypatch.setitem(tarakan, "villages", [Village("Kampung Sebelas Qz")])
    report = DemoReport()
    demo_real_facts(seed=2026, report=report)
    assert len(report.unresolved) == 1 and report.unresolved[0].startswith(
        "Kampung Sebelas Qz, Kota Tarakan → "
    )
    assert not Centre.objects.filter(name=tarakan["name"]).exists()
    assert report.notes == [
        f"{tarakan['name']} (Kota Tarakan) tidak dibuat: lokasinya tidak dikenali sebagai desa/kelurahan."
    ]

    # `sentra demo` prints it.
    monkeypatch.setattr("sentra.core.management.commands.demo.demo_run", lambda **kwargs: report)
    out = StringIO()
    call_command("demo", stdout=out)
    assert printed_unresolved(out.getvalue()) == [f"  - {report.unresolved[0]}"]


def test_generated_distribution_follows_the_published_shares():
    rows = list(enterprise_rows(count=2_000, seed=2026, centres=60))
    assert len(rows) == 2_000
    java = sum(r["province_code"] in demo.JAVA for r in rows) / len(rows)
    assert 0.57 <= java <= 0.67
    food = sum(r["kbli"].startswith(("10", "11")) for r in rows) / len(rows)
    assert 0.30 <= food <= 0.46
    assert sum(r["workers"] <= 19 for r in rows) / len(rows) > 0.9
    nibs = [r["nib"] for r in rows]
    assert len(set(nibs)) == len(nibs) and all(len(n) == 13 and n.isdigit() for n in nibs)
    assert all(r["village"].startswith(r["province_code"]) and len(r["village"]) == 13 for r in rows)
    assert Counter(r["size_class"] for r in rows)["small"] > 1_850


def test_big_java_provinces_at_national_scale():
    rows = list(enterprise_rows(count=50_000, seed=1))
    shares = Counter(r["province_code"] for r in rows)
    assert abs(shares["33"] / 50_000 - 0.206) < 0.01 and abs(shares["35"] / 50_000 - 0.202) < 0.01
    assert abs(shares["32"] / 50_000 - 0.154) < 0.01


@pytest.mark.django_db
def test_generated_codes_exist_in_the_reference_data():
    codes = {k[0] for k in demo.KBLI_WEIGHTS}
    assert set(Kbli.objects.filter(code__in=codes, level=5).values_list("code", flat=True)) == codes


def test_same_seed_same_data():
    first = list(demo_rows(enterprises=300, centres=10, seed=2026))
    assert first == list(demo_rows(enterprises=300, centres=10, seed=2026))
    assert first != list(demo_rows(enterprises=300, centres=10, seed=2027))
    assert sum(kind == "centre" for kind, _ in first) == 10


def stored_registry() -> tuple[dict, dict]:
    """Enterprises by NIB, and each NIB's centre (name, village) or None: what a seed decides."""
    enterprises = {
        e.nib: (e.name, e.owner_name, e.village_id, e.kbli_id, e.workers, e.verification_status)
        for e in Enterprise.objects.all()
    }
    centres = dict.fromkeys(enterprises)
    for nib, name, village in CentreMembership.objects.values_list(
        "enterprise__nib", "centre__name", "centre__village_id"
    ):
        centres[nib] = (name, village)
    return enterprises, centres


def generated_registry(*, enterprises: int, centres: int, seed: int) -> tuple[dict, dict]:
    rows, centre_of, by_index = {}, {}, {}
    for kind, row in demo_rows(enterprises=enterprises, centres=centres, seed=seed):
        if kind == "centre":
            by_index[row["index"]] = (row["name"], row["village"])
            continue
        status = demo._demo_verification_status(row["nib"])
        rows[row["nib"]] = (
            row["name"],
            row["owner_name"],
            row["village"],
            row["kbli"],
            row["workers"],
            status,
        )
        centre_of[row["nib"]] = by_index[row["centre"]] if row["centre"] is not None else None
    return rows, centre_of


@pytest.mark.django_db
def test_database_matches_the_generator():
    demo.demo_generate(size="small", seed=2026, stdout=StringIO())
    assert stored_registry() == generated_registry(enterprises=2_000, centres=60, seed=2026)
    assert Centre.objects.count() == 60 and CentreVillage.objects.count() == 60


def enterprise_indexes() -> set[str]:
    """Names of the enterprise table's indexes, and on SQLite its search triggers too."""
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Enterprise._meta.db_table))
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names |= {row[0] for row in cursor.fetchall()}
    return names


@pytest.mark.django_db
def test_the_national_load_path_gives_the_same_data_and_rebuilds_every_index(monkeypatch, actor):
    # National runs drop the enterprise indexes (and SQLite's search trigger) and build them after
    # the load; lowering the threshold runs that path at small size.
    indexes = enterprise_indexes()
    assert len(indexes) >= 10
    monkeypatch.setattr(demo, "REBUILD_INDEXES_FROM", 0)
    demo.demo_generate(size="small", seed=2026, stdout=StringIO())

    assert enterprise_indexes() == indexes
    assert stored_registry() == generated_registry(enterprises=2_000, centres=60, seed=2026)
    # The search index holds the loaded rows, and the trigger (or GIN index) follows new ones.
    loaded = Enterprise.objects.order_by("pk")[1_234]
    term = loaded.owner_name
    found = enterprise_list(actor=actor, filters=RegistryFilter(q=term))
    assert loaded in found and all(term.casefold() in e.owner_name.casefold() for e in found)
    new = EnterpriseFactory(name="Kerupuk Amplang Qzxv")  # ids stay free after the chosen ones
    assert list(enterprise_list(actor=actor, filters=RegistryFilter(q="Amplang Qzx"))) == [new]


@pytest.mark.django_db
def test_a_stopped_national_load_leaves_nothing_and_can_run_again(monkeypatch):
    indexes = enterprise_indexes()
    monkeypatch.setattr(demo, "REBUILD_INDEXES_FROM", 0)

    def stopped(self):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(demo._EnterpriseIndexes, "restore", stopped)
        with pytest.raises(KeyboardInterrupt):
            demo.demo_generate(size="small", seed=2026, stdout=StringIO())
    assert Enterprise.objects.count() == Centre.objects.count() == CentreMembership.objects.count() == 0
    assert enterprise_indexes() == indexes

    demo.demo_generate(size="small", seed=2026, stdout=StringIO())
    assert Enterprise.objects.count() == 2_000


@pytest.mark.django_db
def test_demo_users():
    call_command("demo", stdout=StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    # Django admin is for superusers only; everyone else works in Sentra's own pages.
    assert not users["kemenperin"].is_staff and not users["kemenperin"].is_superuser
    assert users["kemenperin"].profile.role == "ministry_admin"
    assert users["disperindag.kaltim"].profile.region_id == "64"
    assert users["dinas.ppu"].profile.region_id == "64.09"
    assert users["tpl.ppu"].profile.role == "facilitator"
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["dinas.ppu"].is_staff
    assert all(users[name].check_password(DEMO_PASSWORD) for name in users)
    # The weekly follow-up digest writes to them (console backend): a reserved, unroutable domain.
    assert users["dinas.ppu"].email == "dinas.ppu@demo.sentra.example"


@pytest.mark.django_db
def test_reference_is_loaded_when_missing(monkeypatch):
    loaded = []
    monkeypatch.setattr(demo, "reference_is_loaded", lambda: False)
    monkeypatch.setattr(demo, "reference_load", lambda: loaded.append(True))
    monkeypatch.setattr(demo, "demo_generate", lambda **kwargs: None)
    # The real data is already there: rebuilding the gazetteer would only cost seconds.
    monkeypatch.setattr("sentra.regions.gazetteer.reset_gazetteer", lambda: None)
    demo.demo_run(size="small", seed=2026, stdout=StringIO())
    assert loaded == [True]


@pytest.mark.django_db
def test_a_real_centre_is_created_in_its_history_with_its_villages_and_members():
    """The demo links a real centre's members after creating it; its creation event still records the
    centre as the demo made it, so restoring the "created" version keeps every member (it left Sentra
    Batik with 0 of 6 when the event said "anggota → (kosong)"). A second run records nothing more."""
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import actor_of, persona
    from sentra.audit.models import AuditEvent
    from sentra.audit.services import restore_version

    demo_real_facts(seed=2026, report=DemoReport())
    real = Centre.objects.filter(name__in=[spec["name"] for spec in PPU_CENTRES + OTHER_CENTRES])
    assert real.count() == len(PPU_CENTRES + OTHER_CENTRES)
    for centre in real:
        created = AuditEvent.objects.get(object_type="registry.centre", object_id=centre.pk, action="create")
        members = sorted(centre.memberships.values_list("enterprise_id", flat=True))
        villages = sorted(centre.village_links.values_list("village_id", flat=True))
        assert len(members) >= 5, centre
        assert (created.snapshot["member_ids"], created.snapshot["village_codes"]) == (members, villages)
        assert created.changes["member_ids"] == [None, members]
    events = AuditEvent.objects.count()
    demo_real_facts(seed=2026, report=DemoReport())
    assert AuditEvent.objects.count() == events

    batik = real.get(name="Sentra Batik")
    officer = persona(Role.REGENCY_OFFICER, agency=batik.agency)
    created = AuditEvent.objects.get(object_type="registry.centre", object_id=batik.pk, action="create")
    members = batik.memberships.count()
    restored = restore_version(actor=actor_of(officer), event=created)
    assert batik.memberships.count() == members and restored.restore_notice == ""
