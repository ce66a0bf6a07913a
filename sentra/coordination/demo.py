"""The coordination step of `sentra demo` (core.demo): the seed meetings of demo-facts.md ("Meetings")
with their real dates, places and organisers, each with decisions and follow-ups in every state, the
Kutai Timur chain (MoU with the Bupati → PKs with four agencies), and generated provincial meetings
for every province over three years (host rotation, calendar and follow-up dashboard get substance).

Facts and what is illustrative: the meetings' organisers, places, dates, theme and people are those
of demo-facts.md. Where the facts give only a month (Rakornas 2023) or a year (Rakornas 2024) the day
is chosen and the meeting's notes say so; the Kutai Timur agreements' dates and document numbers are
illustrative (the facts say the MoU and PKs were planned after the Rakernas, not when they were
signed), and say so in their scope. Everything is written through coordination.services as the
system actor, so it is audited like any other change. Running the demo again writes nothing twice
(a meeting or agreement with the same title is left as it is).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from sentra.accounts.scope import system_actor
from sentra.agencies.demo import province_office
from sentra.agencies.demo_facts import BALIKPAPAN_AGENCY as BALIKPAPAN
from sentra.agencies.demo_facts import DEKRANAS_AGENCY as DEKRANAS
from sentra.agencies.demo_facts import DEKRANASDA_KUTIM_AGENCY as DEKRANASDA_KUTIM
from sentra.agencies.demo_facts import DISKOMINFO_KUTIM_AGENCY as DISKOMINFO_KUTIM
from sentra.agencies.demo_facts import KALTARA_AGENCY as KALTARA
from sentra.agencies.demo_facts import KALTIM_AGENCY as KALTIM
from sentra.agencies.demo_facts import MINISTRY_AGENCY as MINISTRY
from sentra.agencies.demo_facts import NTT_AGENCY as NTT
from sentra.agencies.models import Agency, AgencyKind
from sentra.agencies.services import agency_get_or_create
from sentra.core.demo import DemoContext, DemoReport
from sentra.regions.models import Region
from sentra.registry.models import Centre

from . import selectors, services
from .choices import FollowUpStatus, MeetingStatus
from .demo_cascade import seed_programmes
from .models import Agreement, Decision, Meeting, MeetingSeries

WIB = dt.timezone(dt.timedelta(hours=7))  # Jakarta, Palembang
WITA = dt.timezone(dt.timedelta(hours=8))  # Balikpapan, Banjarmasin, Tarakan, NTT

SERIES_RAKORNAS = "Rakornas Dekon Ditjen IKMA"
GENERATED_YEARS = (2024, 2025, 2026)

# Agencies the coordination facts name that the registry's step does not create: (name, short, kind, region).
EXTRA_AGENCIES = [
    ("Pemerintah Kabupaten Belu", "Pemkab Belu", AgencyKind.OTHER, "53.04"),
    ("Pemerintah Kabupaten Kutai Timur", "Pemkab Kutim", AgencyKind.OTHER, "64.08"),
    ("Disperindag Kabupaten Kutai Timur", "Disperindag Kutim", AgencyKind.REGENCY_INDUSTRY, "64.08"),
    ("Dinas Koperasi dan UKM Kabupaten Kutai Timur", "Diskop UKM Kutim", AgencyKind.COOPERATIVES, "64.08"),
    ("Dinas Pariwisata Kabupaten Kutai Timur", "Dispar Kutim", AgencyKind.TOURISM, "64.08"),
]


def _at(tz, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def _agency(name: str) -> Agency | None:
    return Agency.objects.filter(name=name).order_by("pk").first()


def _agencies(report: DemoReport) -> dict[str, Agency]:
    found = {name: _agency(name) for name in (MINISTRY, DEKRANAS, KALTIM, KALTARA, NTT, BALIKPAPAN)}
    found |= {name: _agency(name) for name in (DEKRANASDA_KUTIM, DISKOMINFO_KUTIM)}
    for name, short, kind, region in EXTRA_AGENCIES:
        before = Agency.objects.count()
        found[name] = agency_get_or_create(name=name, kind=kind, region_code=region, short_name=short)
        report.created["agencies"] += Agency.objects.count() - before
    # Every regency/city of NTT has its industry office (22 invited to the Belu Rakor).
    for regency in Region.objects.filter(parent_id="53").order_by("code"):
        before = Agency.objects.count()
        agency_get_or_create(
            name=f"Dinas Perindustrian {regency.name}",
            kind=AgencyKind.REGENCY_INDUSTRY,
            region_code=regency.code,
            short_name="Disperindag",
        )
        report.created["agencies"] += Agency.objects.count() - before
    missing = [name for name, agency in found.items() if agency is None]
    if missing:
        report.unresolved.append(
            f"coordination: agencies not found (registry step first): {', '.join(missing)}"
        )
    return found


def _meeting(actor, report: DemoReport, *, title: str, **data) -> Meeting | None:
    """A meeting by its title, once; None when it already exists (nothing is written twice)."""
    if Meeting.objects.filter(title=title).exists():
        return None
    meeting = services.meeting_create(actor=actor, title=title, **data)
    report.created["meetings"] += 1
    return meeting


def _decide(actor, meeting: Meeting, text: str, follow_ups: list[dict], report: DemoReport) -> Decision:
    decision = services.decision_add(actor=actor, meeting=meeting, text=text)
    _follow_ups(actor, decision, follow_ups, report)
    return decision


def _follow_ups(actor, decision: Decision, follow_ups: list[dict], report: DemoReport) -> None:
    """Follow-ups brought to their state as their owners would: notes, then status and evidence (a
    done one completed on its due date, not on the day the demo runs)."""
    for spec in follow_ups:
        spec = dict(spec)
        status = spec.pop("status", FollowUpStatus.OPEN)
        notes = spec.pop("notes", [])
        evidence = spec.pop("evidence", {})
        drop_reason = spec.pop("drop_reason", "")
        follow_up = services.follow_up_create(actor=actor, decision=decision, **spec)
        report.created["follow-ups"] += 1
        for noted_on, text_ in notes:
            services.follow_up_note_add(actor=actor, follow_up=follow_up, text=text_, noted_on=noted_on)
        if status != FollowUpStatus.OPEN or evidence:
            completed = {"completed_on": spec["due_on"]} if status == FollowUpStatus.DONE else {}
            services.follow_up_update(
                actor=actor,
                follow_up=follow_up,
                status=status,
                drop_reason=drop_reason,
                **evidence,
                **completed,
            )


def _held(actor, meeting: Meeting, final: bool = True) -> None:
    services.meeting_advance(actor=actor, meeting=meeting, status=MeetingStatus.HELD)
    if final:
        services.meeting_advance(actor=actor, meeting=meeting, status=MeetingStatus.MINUTES_FINAL)


# --- the seed meetings of demo-facts.md --------------------------------------------------------------


def _balikpapan_2019(actor, a: dict[str, Agency], report: DemoReport) -> None:
    somber = Centre.objects.filter(name="Sentra IKM Tahu Tempe Somber").first()
    meeting = _meeting(
        actor,
        report,
        agency=a[MINISTRY],
        co_organisers=[x for x in (a[KALTIM], a[BALIKPAPAN]) if x],
        kind="rakor_dipa",
        title="Rakor Pengendalian Pengelolaan DIPA TA 2019, Ditjen IKMA",
        host_region_id="64.71",
        venue="Hotel Novotel, Balikpapan",
        starts_at=_at(WITA, 2019, 2, 24, 13),
        ends_at=_at(WITA, 2019, 2, 27, 12),
        visited_centre=somber,
        notes="Ditutup oleh Sesditjen IKMA (Eddy Siswanto) pada 26 Februari 2019; "
        "kunjungan lapangan ke Sentra IKM Tahu Tempe Somber.",
    )
    if meeting is None:
        return
    for title, presenter in [
        ("Arahan pengendalian pengelolaan DIPA TA 2019", "Ditjen IKMA"),
        ("Pembagian peran pusat, provinsi dan kabupaten/kota", "Ditjen IKMA"),
        ("Penutupan", "Sesditjen IKMA, Eddy Siswanto"),
        ("Kunjungan lapangan ke Sentra IKM Tahu Tempe Somber", "DKUMKMP Kota Balikpapan"),
    ]:
        services.agenda_item_add(actor=actor, meeting=meeting, title=title, presenter=presenter)
    _decide(
        actor,
        meeting,
        "Pusat menyiapkan anggaran dan pelatihan; provinsi mengawasi pelaksanaan; kabupaten/kota "
        "menempatkan dan mengendalikan di lapangan, termasuk Tenaga Penyuluh Lapangan (TPL).",
        [
            {
                "owner": a[KALTIM],
                "description": "Mengawasi pelaksanaan kegiatan dekonsentrasi di kabupaten/kota "
                "Kalimantan Timur dan melaporkan per triwulan.",
                "due_on": dt.date(2019, 12, 31),
                "status": FollowUpStatus.DONE,
                "notes": [(dt.date(2019, 7, 15), "Laporan triwulan II disampaikan ke Ditjen IKMA.")],
            },
            {
                "owner": a[BALIKPAPAN],
                "description": "Menempatkan dan mengendalikan TPL di Sentra IKM Tahu Tempe Somber.",
                "due_on": dt.date(2019, 6, 30),
                "status": FollowUpStatus.DONE,
                "evidence": {"evidence_centre": somber} if somber else {},
            },
        ],
        report,
    )
    _held(actor, meeting)


def _belu_2019(actor, a: dict[str, Agency], report: DemoReport) -> None:
    meeting = _meeting(
        actor,
        report,
        agency=a[MINISTRY],
        co_organisers=[x for x in (a[NTT], a["Pemerintah Kabupaten Belu"]) if x],
        kind="rakor_programme",
        title="Rakor Pelaksanaan Kegiatan 2019 dan Penyusunan Program IKM 2020, NTT",
        host_region_id="53.04",
        venue="Aula Hotel Matahari, Atambua (Kab. Belu)",
        starts_at=_at(WITA, 2019, 4, 24, 9),
        ends_at=_at(WITA, 2019, 4, 26, 15),
        notes="Dibuka oleh Bupati Belu (Willybrodus Lay). Dihadiri 22 kabupaten/kota se-NTT.",
    )
    if meeting is None:
        return
    services.invite(actor=actor, meeting=meeting, agencies=services.regency_agencies_of("53"))
    services.agenda_item_add(
        actor=actor, meeting=meeting, title="Pembukaan", presenter="Bupati Belu, Willybrodus Lay"
    )
    services.agenda_item_add(
        actor=actor, meeting=meeting, title="Penandatanganan kontrak TPL-IKM", presenter="Ditjen IKMA"
    )
    services.agenda_item_add(actor=actor, meeting=meeting, title="Penyusunan program IKM 2020", presenter="")
    belu = Agency.objects.filter(name="Dinas Perindustrian Kabupaten Belu").first()
    for person in (
        "Perwakilan TPL-IKM angkatan 2014",
        "Perwakilan TPL-IKM angkatan 2015",
        "Perwakilan TPL-IKM",
    ):
        services.participant_add(
            actor=actor, meeting=meeting, name=person, position="TPL-IKM", agency=a[NTT], attendance="present"
        )
    if belu:
        services.participant_add(
            actor=actor, meeting=meeting, name="Kepala Dinas", agency=belu, attendance="present"
        )
    _decide(
        actor,
        meeting,
        "Kontrak TPL-IKM (beasiswa angkatan 2014 dan 2015) ditandatangani oleh tiga perwakilan.",
        [
            {
                "owner": a[NTT],
                "description": "Menyampaikan salinan kontrak TPL-IKM ke kabupaten/kota penempatan.",
                "due_on": dt.date(2019, 5, 31),
                "status": FollowUpStatus.DONE,
            },
        ],
        report,
    )
    _decide(
        actor,
        meeting,
        "Industri prioritas NTT: pakan ternak, pengolahan ikan, kelor, minuman beralkohol dan garam.",
        [
            {
                "owner": a[NTT],
                "description": "Menyusun peta jalan industri prioritas berbasis potensi unggulan daerah.",
                "due_on": dt.date(2019, 12, 31),
                "status": FollowUpStatus.IN_PROGRESS,
                "notes": [
                    (dt.date(2019, 9, 2), "Rancangan peta jalan kelor dan garam dibahas dengan Bappeda.")
                ],
            },
            {
                "owner": a[NTT],
                "description": "Mengusulkan sentra minuman beralkohol tradisional sebagai program 2020.",
                "due_on": dt.date(2019, 8, 31),
                "status": FollowUpStatus.DROPPED,
                "drop_reason": "Tidak diprioritaskan dalam program IKM 2020.",
            },
            {
                "owner": belu or a[NTT],
                "description": "Mendata IKM pengolahan ikan dan garam di wilayah masing-masing.",
                "due_on": dt.date(2019, 10, 31),
            },
        ],
        report,
    )
    _held(actor, meeting)


def _rakornas(actor, a: dict[str, Agency], report: DemoReport) -> None:
    series = MeetingSeries.objects.filter(name=SERIES_RAKORNAS).first() or services.series_create(
        actor=actor, name=SERIES_RAKORNAS, kind="rakornas", organiser=a[MINISTRY]
    )
    provinces = services.province_agencies()
    tarakan_centre = Centre.objects.filter(name="Sentra Pengolahan Hasil Laut Tarakan").first()
    palembang = _meeting(
        actor,
        report,
        agency=a[MINISTRY],
        kind="rakornas",
        title="Rakornas Dekonsentrasi Ditjen IKMA 2023 (I), Palembang",
        host_region_id="16.71",
        venue="Palembang, Sumatera Selatan",
        starts_at=_at(WIB, 2023, 2, 15, 9),
        ends_at=_at(WIB, 2023, 2, 17, 12),
        series=series,
        edition=1,
        notes="Diselenggarakan dua kali setahun. Fakta: Februari 2023; tanggal persisnya tidak tercatat.",
    )
    if palembang:
        services.invite(actor=actor, meeting=palembang, agencies=provinces)
        _decide(
            actor,
            palembang,
            "Provinsi menyampaikan realisasi dekonsentrasi triwulan I sebelum Rakornas berikutnya.",
            [
                {
                    "owner": a[KALTIM],
                    "description": "Menyampaikan realisasi dekonsentrasi triwulan I 2023.",
                    "due_on": dt.date(2023, 4, 30),
                    "status": FollowUpStatus.DONE,
                },
                {
                    "owner": a[NTT],
                    "description": "Menyampaikan realisasi dekonsentrasi triwulan I 2023.",
                    "due_on": dt.date(2023, 4, 30),
                },
            ],
            report,
        )
        _held(actor, palembang)
    banjarmasin = _meeting(
        actor,
        report,
        agency=a[MINISTRY],
        kind="rakornas",
        title="Rakornas Dekonsentrasi Ditjen IKMA 2023 (II), Banjarmasin",
        host_region_id="63.71",
        venue="Banjarmasin, Kalimantan Selatan",
        starts_at=_at(WITA, 2023, 5, 16, 9),
        ends_at=_at(WITA, 2023, 5, 18, 12),
        series=series,
        edition=2,
        notes="Fakta: Mei 2023; tanggal persisnya tidak tercatat.",
    )
    if banjarmasin:
        services.invite(actor=actor, meeting=banjarmasin, agencies=provinces)
        services.carry_over_agenda(actor=actor, meeting=banjarmasin)
        _decide(
            actor,
            banjarmasin,
            "Rakornas 2024 diselenggarakan di Kalimantan Utara (Kota Tarakan).",
            [
                {
                    "owner": a[KALTARA],
                    "description": "Menyiapkan Rakornas 2024 dan kunjungan lapangan ke Sentra Pengolahan "
                    "Hasil Laut Tarakan (Kampung Empat, Kampung Enam).",
                    "due_on": dt.date(2024, 3, 31),
                    "status": FollowUpStatus.DONE,
                    "evidence": {"evidence_centre": tarakan_centre} if tarakan_centre else {},
                },
            ],
            report,
        )
        _held(actor, banjarmasin)
    tarakan = _meeting(
        actor,
        report,
        agency=a[MINISTRY],
        co_organisers=[a[KALTARA]] if a[KALTARA] else [],
        kind="rakornas",
        title="Rakornas Dekonsentrasi Kemenperin 2024, Tarakan",
        host_region_id="65.71",
        venue="Kota Tarakan, Kalimantan Utara",
        starts_at=_at(WITA, 2024, 5, 14, 9),
        ends_at=_at(WITA, 2024, 5, 16, 12),
        series=series,
        edition=1,
        visited_centre=tarakan_centre,
        notes="Tuan rumah: Provinsi Kalimantan Utara (Disperindagkop). Fakta: 2024; bulan dan tanggal tidak "
        "tercatat. Kunjungan lapangan ke Sentra Pengolahan Hasil Laut Tarakan disiapkan tuan rumah.",
    )
    if tarakan:
        services.invite(actor=actor, meeting=tarakan, agencies=provinces)
        services.carry_over_agenda(actor=actor, meeting=tarakan)
        services.agenda_item_add(
            actor=actor,
            meeting=tarakan,
            title="Kunjungan lapangan ke Sentra Pengolahan Hasil Laut Tarakan (Kampung Empat, Kampung Enam)",
            presenter="Disperindagkop Kalimantan Utara",
        )


def _rakernas_2022(actor, a: dict[str, Agency], report: DemoReport) -> dict:
    meeting = _meeting(
        actor,
        report,
        agency=a[DEKRANAS],
        kind="rakernas",
        title="Rakernas Dekranas 2022",
        theme="Semangat Bertahan, Rajin Berdaya Saing",
        host_region_id="31.71",
        venue="Gedung Sekretariat Wakil Presiden, Jakarta",
        mode="hybrid",
        online_link="https://rapat-daring.example/rakernas-dekranas-2022",
        starts_at=_at(WIB, 2022, 9, 20, 9),
        ends_at=_at(WIB, 2022, 9, 20, 16),
        notes="Ketua Dekranas: Wury Ma'ruf Amin. Tautan ruang daring di sini contoh (.example).",
    )
    if meeting is None:
        return {}
    kutim = a[DEKRANASDA_KUTIM]
    if kutim:
        services.invite(actor=actor, meeting=meeting, agencies=[kutim])
        services.participant_add(
            actor=actor,
            meeting=meeting,
            name="Perwakilan Dekranasda Kutai Timur",
            agency=kutim,
            attendance="online",
            position="Hadir daring dari ruang video Diskominfo Kutai Timur",
        )
    decision = services.decision_add(
        actor=actor,
        meeting=meeting,
        text="Dekranasda menindaklanjuti program Dekranas dengan MoU bersama kepala daerah, lalu perjanjian "
        "kerja sama dengan perangkat daerah; pendanaan melalui hibah atau program perangkat daerah.",
    )
    _held(actor, meeting)
    return {"meeting": meeting, "decision": decision}


def _kutim_chain(actor, a: dict[str, Agency], rakernas: dict, report: DemoReport) -> None:
    owner = a[DEKRANASDA_KUTIM]
    if (
        owner is None
        or Agreement.objects.filter(title__startswith="MoU Dekranasda Kabupaten Kutai Timur").exists()
    ):
        return
    illustrative = "Tanggal dan nomor dokumen pada data demo ini contoh, bukan dari sumber."
    mou = services.agreement_create(
        actor=actor,
        agency=owner,
        kind="mou",
        title="MoU Dekranasda Kabupaten Kutai Timur dengan Bupati Kutai Timur",
        signed_on=dt.date(2023, 2, 14),
        signed_place="Sangatta",
        scope="Pembinaan dan pengembangan kerajinan daerah. " + illustrative,
        objectives="Menyelaraskan program Dekranasda dan perangkat daerah.",
        valid_from=dt.date(2023, 2, 14),
        valid_until=dt.date(2028, 2, 13),
        status="active",
        funding="grant",
        parties=[
            {"kind": "dekranas", "agency": owner, "document_number": "001/DEKRANASDA-KT/II/2023"},
            {
                "kind": "regional_head",
                "name": "Bupati Kutai Timur",
                "agency": a["Pemerintah Kabupaten Kutai Timur"],
                "document_number": "130/01/MoU/II/2023",
                "signatory_position": "Bupati Kutai Timur",
            },
        ],
    )
    report.created["agreements"] += 1
    pks = {}
    for index, (name, status) in enumerate(
        [
            ("Disperindag Kabupaten Kutai Timur", "active"),
            ("Dinas Koperasi dan UKM Kabupaten Kutai Timur", "active"),
            ("Dinas Pariwisata Kabupaten Kutai Timur", "signed"),
            (DISKOMINFO_KUTIM, "draft"),
        ],
        start=2,
    ):
        partner = a.get(name) or _agency(name)
        if partner is None:
            continue
        pks[name] = services.agreement_create(
            actor=actor,
            agency=owner,
            kind="pk",
            parent=mou,
            title=f"PK Dekranasda Kabupaten Kutai Timur dengan {partner.name}",
            scope="Pelatihan dan promosi kerajinan. " + illustrative,
            signed_on=dt.date(2023, 3, index) if status != "draft" else None,
            valid_from=dt.date(2023, 3, index),
            valid_until=dt.date(2025, 12, 31)
            if name == "Dinas Pariwisata Kabupaten Kutai Timur"
            else dt.date(2027, 12, 31),
            status=status,
            funding="agency_programme",
            parties=[
                {"kind": "dekranas", "agency": owner, "document_number": f"00{index}/DEKRANASDA-KT/III/2023"},
                {"kind": "agency", "agency": partner, "document_number": f"500/{index:02d}/PK/III/2023"},
            ],
        )
        report.created["agreements"] += 1
    decision = rakernas.get("decision")
    if decision is None:
        return
    _decide(
        actor,
        decision.meeting,
        "Pelatihan yang diselenggarakan Dinas Koperasi UKM dan Dekranasda disinkronkan "
        "agar tidak tumpang tindih.",
        [
            {
                "owner": owner,
                "description": "Sinkronisasi jadwal dan peserta pelatihan dengan Dinas Koperasi dan UKM "
                "Kutai Timur.",
                "due_on": dt.date(2026, 10, 31),
                "status": FollowUpStatus.IN_PROGRESS,
                "notes": [
                    (
                        dt.date(2026, 9, 1),
                        "Daftar peserta pelatihan 2026 dipertukarkan; dua pelatihan digabung.",
                    )
                ],
            },
        ],
        report,
    )
    _follow_ups(
        actor,
        decision,
        [
            {
                "owner": owner,
                "description": "Menandatangani MoU dengan Bupati Kutai Timur.",
                "due_on": dt.date(2023, 3, 31),
                "status": FollowUpStatus.DONE,
                "evidence": {"evidence_agreement": mou},
            },
            {
                "owner": owner,
                "description": "Menandatangani PK dengan Disperindag, Dinas Koperasi UKM, Dinas Pariwisata "
                "dan Diskominfo.",
                "due_on": dt.date(2023, 6, 30),
                "status": FollowUpStatus.IN_PROGRESS,
                "notes": [
                    (dt.date(2023, 6, 20), "Tiga PK ditandatangani; PK dengan Diskominfo masih rancangan.")
                ],
            },
        ],
        report,
    )


# --- generated provincial meetings -------------------------------------------------------------------


def _generated(actor, rng: random.Random, report: DemoReport, size: str) -> None:
    """A Rakor per province per year, hosted in turn by the province's regencies/cities, each with a
    decision and follow-ups in every state (the later the year, the more still open)."""
    years = GENERATED_YEARS if size == "small" else (2022, 2023, *GENERATED_YEARS)
    today = selectors.today()
    for province in Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"):
        office = province_office(province)
        regencies = list(Region.objects.filter(parent_id=province.code).order_by("code"))
        for turn, year in enumerate(years):
            host = regencies[(turn + int(province.code)) % len(regencies)] if regencies else province
            start = dt.date(year, rng.randint(2, 9), rng.randint(1, 28))
            meeting = _meeting(
                actor,
                report,
                agency=office,
                kind="rakor_programme",
                title=f"Rakor Pelaksanaan Program IKM {province.name} {year}",
                host_region_id=host.code,
                venue=f"Aula {host.name}",
                starts_at=_at(WIB, start.year, start.month, start.day, 9),
                ends_at=_at(WIB, start.year, start.month, start.day, 16),
            )
            if meeting is None:
                continue
            decision = services.decision_add(
                actor=actor, meeting=meeting, text="Kabupaten/kota memutakhirkan data sentra dan IKM binaan."
            )
            for n, status in enumerate(rng.sample(list(FollowUpStatus.values), k=2)):
                due = start + dt.timedelta(days=rng.randint(30, 240))
                if status == FollowUpStatus.DONE and due > today:
                    status = FollowUpStatus.IN_PROGRESS
                follow_up = services.follow_up_create(
                    actor=actor,
                    decision=decision,
                    owner=office,
                    description=f"Pemutakhiran data sentra IKM {host.name} ({n + 1})",
                    due_on=due,
                )
                report.created["follow-ups"] += 1
                if status != FollowUpStatus.OPEN:
                    services.follow_up_update(
                        actor=actor,
                        follow_up=follow_up,
                        status=status,
                        drop_reason="Digabung dengan pendataan SIINas."
                        if status == FollowUpStatus.DROPPED
                        else "",
                    )
            if start < today:
                _held(actor, meeting, final=year < 2026)


def seed(rng: random.Random, *, report: DemoReport, size: str = "small") -> None:
    """Everything the coordination demo writes; safe to run again."""
    actor = system_actor()
    with transaction.atomic():
        agencies = _agencies(report)
        if agencies.get(MINISTRY) is None:
            return  # reported: the registry step writes the agencies first
        _balikpapan_2019(actor, agencies, report)
        _belu_2019(actor, agencies, report)
        _rakornas(actor, agencies, report)
        rakernas = _rakernas_2022(actor, agencies, report)
        if not rakernas:
            meeting = Meeting.objects.filter(title="Rakernas Dekranas 2022").first()
            rakernas = {"decision": meeting.decisions.first()} if meeting else {}
        _kutim_chain(actor, agencies, rakernas, report)
    with transaction.atomic():
        _generated(actor, rng, report, size)
    with transaction.atomic():
        # National programmes and their adoption per region (issue 15 §6): coordination/demo_cascade.py.
        seed_programmes(actor, agencies, rng, report, dekranas=DEKRANAS, ministry=MINISTRY)


def demo_step(context: DemoContext) -> None:
    """The coordination step of `sentra demo` (core.demo), after the programmes' step."""
    seed(context.random(), report=context.report, size=context.size)
