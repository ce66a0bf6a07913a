"""`sentra demo` step "analytics_candidates" (order 55, BEFORE analytics' own step 60): sentra candidates.

The generated registry puts every group of 5+ active IKM of one KBLI in one village into a sentra, so the
candidates page (analytics.candidates) had nothing to show for Kalimantan Timur; and the demo IKM of Kaltim
started long ago, so the reconstructed 2025 registry (analytics.demo, reconstruct_snapshot by year started)
equalled today's and every growth and shift-share component was 0. This step adds, on real villages of the
shipped Kemendagri list, three groups of active IKM without a sentra, most of them started in 2026:

- Kab. Penajam Paser Utara (64.09): 7 amplang/kerupuk makers (KBLI 10794) in Kelurahan Nipah-Nipah,
  Kecamatan Penajam — a village candidate;
- Kab. Kutai Timur (64.08): 6 weavers of tenun ulap doyo (KBLI 13121) in Desa Singa Gembara, Kecamatan
  Sangatta Utara — a village candidate;
- Kab. Kutai Kartanegara (64.02): 3 + 3 wooden-furniture makers (KBLI 31001) in Kelurahan Loa Ipuh and
  Kelurahan Timbau, Kecamatan Tenggarong — neither village reaches 5 alone: a district cluster.

Illustrative, not facts (names, owners and figures are made up). They are written in bulk
(Enterprise.objects.bulk_create, past the services) like the registry demo's generated IKM, so analytics'
step that follows rebuilds the count, its rollups and the 2024/2025 snapshots from the table: the 2025
snapshot holds only those started in 2025 or before, and the growth shows. NIBs 764… (13 digits; the
registry demo uses 9… and 8…); a second run finds the first NIB and writes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from sentra.agencies.demo import demo_agencies_by_name, province_agencies
from sentra.core.demo import DemoContext, DemoReport
from sentra.regions.models import Region
from sentra.registry.choices import EnterpriseStatus
from sentra.registry.models import Enterprise
from sentra.registry.services import enterprise_size_class

COUNT = "candidate demo IKM"

# (village code, KBLI, [(name, owner, workers, investment in Rp million, production value in Rp million a
# year, year started, street)]). Most started in 2026: the 2025 snapshot has fewer than today.
GROUPS: list[tuple[str, str, list[tuple[str, str, int, int, int, int, str]]]] = [
    (
        "64.09.01.1009",  # Nipah-Nipah, Penajam, Kab. Penajam Paser Utara
        "10794",
        [
            ("UD Amplang Nipah Jaya", "Hj. Rusmiati", 6, 85, 420, 2014, "Jl. Provinsi Km 2"),
            ("Amplang Bandeng Bu Ida", "Faridah", 3, 30, 150, 2019, "Jl. Pangeran Antasari"),
            ("Kerupuk Ikan Pipih Sari Laut", "Mahmud Arsyad", 4, 40, 210, 2025, "Jl. Nelayan"),
            ("Rumah Produksi Amplang Teluk Balikpapan", "Nurhayati", 5, 60, 260, 2026, "Jl. Nelayan"),
            ("Amplang Kuku Macan Barokah", "Sitti Aminah", 2, 15, 90, 2026, "Jl. Pelabuhan"),
            ("KUB Kerupuk Udang Mekar Sari", "Rahmawati", 8, 75, 310, 2026, "Jl. Poros Desa"),
            ("Home Industri Amplang Pak Udin", "Syamsuddin", 2, 12, 75, 2026, "Jl. Masjid"),
        ],
    ),
    (
        "64.08.04.2011",  # Singa Gembara, Sangatta Utara, Kab. Kutai Timur
        "13121",
        [
            ("Tenun Ulap Doyo Lestari", "Yuliana Ding", 5, 45, 180, 2016, "Jl. Poros Sangatta–Bengalon"),
            ("KUB Tenun Doyo Singa Gembara", "Maria Lusia", 9, 90, 240, 2025, "Jl. Pendidikan"),
            ("Tenun Ikat Benuaq Indah", "Anastasia Nyuk", 3, 20, 85, 2026, "Jl. Kenanga"),
            ("Usaha Tenun Serat Doyo Mandiri", "Martina Hanyeq", 2, 15, 60, 2026, "Jl. Pendidikan"),
            ("Rumah Tenun Ulap Doyo Kutim", "Elisabeth Lung", 4, 35, 120, 2026, "Jl. Rawa Indah"),
            ("Tenun Doyo Bunga Enggang", "Katarina Ubung", 3, 25, 95, 2026, "Jl. Poros Desa"),
        ],
    ),
    (
        "64.02.06.1002",  # Loa Ipuh, Tenggarong, Kab. Kutai Kartanegara
        "31001",
        [
            ("UD Mebel Jati Loa Ipuh", "Sugeng Riyadi", 7, 180, 540, 2012, "Jl. Mulawarman"),
            ("Mebel Kayu Ulin Karya Mandiri", "Abdul Rahman", 4, 95, 300, 2026, "Jl. Gunung Belah"),
            ("CV Furnitur Borneo Tenggarong", "Hendra Gunawan", 6, 150, 450, 2026, "Jl. Wolter Monginsidi"),
        ],
    ),
    (
        "64.02.06.1004",  # Timbau, Tenggarong, Kab. Kutai Kartanegara
        "31001",
        [
            ("Mebel Meranti Timbau Jaya", "Slamet Widodo", 5, 120, 360, 2018, "Jl. Danau Aji"),
            ("Usaha Kusen dan Mebel Sumber Rezeki", "Muhammad Yusuf", 3, 60, 200, 2026, "Jl. Pesut"),
            ("Furnitur Kayu Rumah Lamin", "Agus Salim", 2, 40, 130, 2026, "Jl. Danau Semayang"),
        ],
    ),
]


def demo_nib(group: int, index: int) -> str:
    """13 digits: 764, the group, the member (the registry demo's NIBs start with 9 or 8)."""
    return f"764{group:02d}{index:08d}"


# Accepted by the province, as most of the registry demo's records (its own writer is not imported:
# a domain's demo never imports another's, core/tests/test_layering.py).
ACCEPTED = datetime(2026, 1, 15, tzinfo=UTC)


def _enterprise(row: dict[str, Any], owners: dict[str, int]) -> Enterprise:
    return Enterprise(
        village_id=row["village"],
        province_code=row["province_code"],
        regency_code=row["regency_code"],
        agency_id=owners[row["village"][:2]],
        kbli_id=row["kbli"],
        **{k: row[k] for k in ("name", "owner_name", "nib", "address", "workers", "investment")},
        **{k: row[k] for k in ("production_value", "year_started", "size_class", "status")},
        verification_status="accepted",
        submitted_at=ACCEPTED,
        verified_at=ACCEPTED + timedelta(days=7),
        accepted_at=ACCEPTED + timedelta(days=21),
    )


def rows() -> list[dict[str, Any]]:
    """The enterprise rows of GROUPS, as registry.demo's generated rows (model values plus codes)."""
    names = dict(Region.objects.filter(code__in=[g[0] for g in GROUPS]).values_list("code", "name"))
    out = []
    for group, (village, kbli, members) in enumerate(GROUPS, start=1):
        for index, (name, owner, workers, investment, value, year, street) in enumerate(members, start=1):
            investment *= 1_000_000
            out.append(
                {
                    "nib": demo_nib(group, index),
                    "name": name,
                    "owner_name": owner,
                    "kbli": kbli,
                    "village": village,
                    "province_code": village[:2],
                    "regency_code": village[:5],
                    "address": f"{street} No. {index * 7 + group}, {names[village]}",
                    "workers": workers,
                    "investment": investment,
                    "production_value": value * 1_000_000,
                    "size_class": str(enterprise_size_class(workers=workers, investment=investment)),
                    "year_started": year,
                    "status": str(EnterpriseStatus.ACTIVE),
                }
            )
    return out


@transaction.atomic
def seed(*, report: DemoReport | None = None) -> dict[str, int]:
    counts = {COUNT: 0}
    if Enterprise.objects.filter(nib=demo_nib(1, 1)).exists():
        return counts  # already loaded
    report = report or DemoReport()
    owners = province_agencies(demo_agencies_by_name(), report)
    new = rows()
    Enterprise.objects.bulk_create([_enterprise(row, owners) for row in new])
    counts[COUNT] = len(new)
    report.created[COUNT] += len(new)
    return counts


def demo_step(context: DemoContext) -> None:
    """The candidates step of `sentra demo` (core.demo, order 55, before analytics' count and snapshots)."""
    seed(report=context.report)
