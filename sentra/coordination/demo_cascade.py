"""National programmes of `sentra demo` (called by coordination.demo.seed): the Dekranas programme
presented at the Rakernas 2022 sent down to provinces and regencies, and a Kemenperin priority for
2025/2026 presented at the Rakornas 2024 in Tarakan sent to the provinces, with adoptions in every
state in the real regions of demo-facts.md.

Facts and what is illustrative: the Rakernas 2022 (theme, hybrid, Dekranasda Kutai Timur online)
and what Kutai Timur did after it (MoU with the Bupati, then PKs with Disperindag, Dinas Koperasi UKM,
Dinas Pariwisata and Diskominfo; funding by hibah or agency programmes) are facts; NTT's priority
industries (kelor, garam, pengolahan ikan) are the Belu Rakor's; the Tarakan seafood sentra is
Kaltara's. The programmes' titles and wording, the sending dates and the other regions' decisions are
illustrative and the programmes' descriptions say so. Written through coordination.cascade as the
system actor (audited); running again writes nothing twice (a programme with the same title is left).
"""

from __future__ import annotations

import datetime as dt
import random

from sentra.core.demo import DemoReport
from sentra.programmes.models import Activity

from . import cascade
from .choices import AdoptionStatus, CascadeLevel
from .models import Adoption, Meeting, NationalProgramme

DEKRANAS_PROGRAMME = "Program Kerja Dekranas: pembinaan perajin dan pemasaran kerajinan daerah"
PRIORITY_PROGRAMME = "Prioritas Kemenperin 2025–2026: sentra IKM berbasis potensi unggulan daerah"
ILLUSTRATIVE = (
    "Judul, rumusan dan tanggal penerusan pada data demo ini contoh; keputusan daerah selain Kutai Timur, "
    "NTT dan Kalimantan Utara dibangkitkan."
)

DECLINE_REASONS = [
    "Belum ada alokasi hibah untuk Dekranasda pada tahun anggaran berjalan.",
    "Tidak ada sentra kerajinan yang siap dibina; diusulkan kembali tahun depan.",
    "Program serupa sudah berjalan melalui Dinas Koperasi dan UKM.",
    "Prioritas daerah tahun ini pada industri pengolahan pangan.",
]
ADAPTATIONS = [
    "Dijalankan melalui pelatihan perajin bersama Dekranasda dan pameran produk daerah.",
    "Diselaraskan dengan RPJMD; pendampingan sentra oleh tenaga penyuluh lapangan.",
    "Digabung dengan program pengembangan sentra IKM kabupaten/kota.",
]


def _decide(actor, adoption: Adoption, status: str, on: dt.date, **data) -> None:
    cascade.adoption_decide(actor=actor, adoption=adoption, status=status, decided_on=on, **data)


def _programme(
    actor, report: DemoReport, *, title: str, sent_on: dt.date, **data
) -> NationalProgramme | None:
    if NationalProgramme.objects.filter(title=title).exists():
        return None
    programme = cascade.programme_create(actor=actor, title=title, **data)
    report.created["adoptions"] += cascade.programme_send(actor=actor, programme=programme, sent_on=sent_on)
    report.created["national programmes"] += 1
    return programme


def _generated_decisions(actor, rng: random.Random, programme: NationalProgramme, kept: set[int]) -> None:
    """The other regions: some adopted, some declined with a reason, most still pending."""
    start = programme.sent_on
    for adoption in programme.adoptions.exclude(pk__in=kept).order_by("region_id", "pk"):
        draw = rng.random()
        on = start + dt.timedelta(days=rng.randint(20, 400))
        if draw < 0.18:
            _decide(
                actor,
                adoption,
                AdoptionStatus.ADOPTED,
                on,
                adaptation=rng.choice(ADAPTATIONS),
                funding="agency_programme",
            )
        elif draw < 0.28:
            _decide(actor, adoption, AdoptionStatus.DECLINED, on, decline_reason=rng.choice(DECLINE_REASONS))


def _in_region(programme: NationalProgramme, code: str) -> Adoption | None:
    return programme.adoptions.filter(region_id=code).select_related("agency").first()


def seed_programmes(
    actor, agencies: dict, rng: random.Random, report: DemoReport, *, dekranas: str, ministry: str
) -> None:
    if agencies.get(dekranas) is None or agencies.get(ministry) is None:
        report.unresolved.append("coordination: national programmes need Dekranas and the ministry")
        return
    rakernas = Meeting.objects.filter(title="Rakernas Dekranas 2022").first()
    programme = _programme(
        actor,
        report,
        agency=agencies[dekranas],
        title=DEKRANAS_PROGRAMME,
        description="Disampaikan pada Rakernas Dekranas 2022 "
        "(tema “Semangat Bertahan, Rajin Berdaya Saing”). Dekranasda menindaklanjuti dengan MoU "
        "bersama kepala daerah, lalu perjanjian kerja sama dengan perangkat daerah; pendanaan melalui "
        "hibah atau program perangkat daerah. " + ILLUSTRATIVE,
        presented_at=rakernas,
        level=CascadeLevel.REGENCY,
        fiscal_year=2022,
        sent_on=dt.date(2022, 10, 3),
    )
    if programme is not None:
        kept = set()
        kutim = _in_region(programme, "64.08")
        if kutim is not None:
            # Kutai Timur adopted it with the activities its PK partners run in the regency.
            activities = list(
                Activity.objects.filter(regency_code="64.08").order_by("-fiscal_year", "pk")[:3]
            )
            _decide(
                actor,
                kutim,
                AdoptionStatus.ADOPTED,
                dt.date(2023, 3, 10),
                adaptation="MoU Dekranasda Kutai Timur dengan Bupati Kutai Timur, lalu PK dengan "
                "Disperindag, Dinas Koperasi dan UKM, Dinas Pariwisata dan Diskominfo; pelatihan "
                "Dekranasda dan Dinas Koperasi disinkronkan agar tidak tumpang tindih.",
                funding="grant",
                activities=activities,
            )
            kept.add(kutim.pk)
        kaltim = _in_region(programme, "64")
        if kaltim is not None:
            _decide(
                actor,
                kaltim,
                AdoptionStatus.ADOPTED,
                dt.date(2022, 12, 5),
                adaptation="Provinsi mengoordinasikan Dekranasda kabupaten/kota se-Kalimantan Timur.",
                funding="agency_programme",
            )
            kept.add(kaltim.pk)
        ntt_declines = list(
            programme.adoptions.filter(province_code="53").exclude(regency_code="").order_by("region_id")[:2]
        )
        for adoption in ntt_declines:
            _decide(
                actor,
                adoption,
                AdoptionStatus.DECLINED,
                dt.date(2023, 2, 20),
                decline_reason="Anggaran 2023 diprioritaskan untuk industri kelor, garam dan "
                "pengolahan ikan.",
            )
            kept.add(adoption.pk)
        _generated_decisions(actor, rng, programme, kept)

    tarakan = Meeting.objects.filter(title="Rakornas Dekonsentrasi Kemenperin 2024, Tarakan").first()
    priority = _programme(
        actor,
        report,
        agency=agencies[ministry],
        title=PRIORITY_PROGRAMME,
        description="Penguatan sentra IKM yang tumbuh dari potensi unggulan desa, untuk TA 2025–2026. "
        + ILLUSTRATIVE,
        presented_at=tarakan,
        level=CascadeLevel.PROVINCE,
        fiscal_year=2025,
        sent_on=dt.date(2024, 6, 3),
    )
    if priority is not None:
        kept = set()
        for code, adaptation in [
            ("65", "Sentra Pengolahan Hasil Laut Tarakan (Kampung Empat, Kampung Enam) sebagai percontohan."),
            ("53", "Sentra kelor dan garam sesuai industri prioritas NTT."),
            ("64", "Sembilan sentra IKM Penajam Paser Utara (SK Bupati 518/176/2020) dibina bertahap."),
        ]:
            adoption = _in_region(priority, code)
            if adoption is not None:
                _decide(
                    actor,
                    adoption,
                    AdoptionStatus.ADOPTED,
                    dt.date(2024, 9, 2),
                    adaptation=adaptation,
                    funding="agency_programme",
                )
                kept.add(adoption.pk)
        _generated_decisions(actor, rng, priority, kept)
