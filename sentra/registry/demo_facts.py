"""Real facts behind `sentra demo`, as Python data.

Source: the project's research notes docs/demo-facts.md (corrected 2026-12) and docs/domain-facts.md
§6 and §7.2 (Indonesian regional news 2019–2023 on IKM development, checked against the official
region list), copied here so that the demo needs nothing outside the package at run time.

A village whose Kemendagri code the corrected notes state is written with that code: the demo
checks the code against the reference data (name, kecamatan, regency) and does not ask the
gazetteer. Every other place is written by name, as reported, and sentra.registry.demo resolves it
through the gazetteer, reporting what does not resolve instead of guessing a code. What the
reference data or the model cannot hold (a decree that names another kelurahan, a kecamatan
misreported) is kept in the centre's description.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sentra.agencies.demo_facts import (
    BALIKPAPAN_AGENCY,
    DEKRANASDA_KUTIM_AGENCY,
    KALTARA_AGENCY,
    KALTIM_AGENCY,
    MINISTRY_AGENCY,
    PPU,
    PPU_AGENCY,
)


class Village(NamedTuple):
    """A village (desa/kelurahan) of a real sentra: its name, its kecamatan (None where none was
    reported) and its Kemendagri code where the corrected notes state one."""

    name: str
    district: str | None = None
    code: str | None = None


# The agencies are the agencies app's (sentra/agencies/demo_facts.py), shared with every demo step.

PPU_DECREE = {
    "place": PPU,
    "kind": "sk_bupati",
    "number": "518/176/2020",
    "issued_on": date(2020, 6, 11),
    "signatory": "Abdul Gafur Mas'ud, Bupati Penajam Paser Utara",
    "title": "Penetapan sembilan sentra IKM di Kabupaten Penajam Paser Utara",
}

# KBLI 2020 per domain-facts §6 and §7.2, checked against sentra/regions/data/kbli2020.csv: 16291
# (anyaman dari rotan dan bambu) is the closest code for both the rattan and the bamboo crafts
# sentra; the coconut sentra of Saloloang makes coir, so 32905 (serat sabut kelapa) of the
# 32903/32905 family rather than 10421 (kopra); shrimp paste is 10295 (fermentasi biota air
# lainnya), 10215 being fish only. "product" is the word in its generated members' names.
PPU_CENTRES: list[dict] = [
    {
        "name": "Sentra Kelapa dan Kerajinannya",
        "commodity": "Sabut kelapa dan kerajinannya",
        "kbli": "32905",
        "product": "Sabut Kelapa",
        "raw_material": "Sabut kelapa",
        "villages": [
            Village("Saloloang", "Penajam"),
            Village("Pejala", "Penajam"),
            Village("Tanjung Tengah", "Penajam"),
        ],
        "description": (
            "Sentra di Saloloang mengolah sabut kelapa (serat sabut, KBLI 32905; kerajinan dari sabut "
            "termasuk kelompok 32903), bukan kopra (Tribun Kaltim, 26 Mei 2024)."
        ),
    },
    {
        "name": "Sentra Kapal Rakyat",
        "commodity": "Kapal rakyat (perahu kayu)",
        "kbli": "30111",
        "raw_material": "Kayu",
        "villages": [Village("Penajam", "Penajam"), Village("Jenebora", "Penajam")],
    },
    {
        "name": "Sentra Hasil Laut",
        "commodity": "Olahan hasil laut",
        "kbli": "10219",
        "raw_material": "Ikan dan hasil laut",
        "villages": [Village("Babulu Laut", "Babulu")],
    },
    {
        "name": "Sentra Batik",
        "commodity": "Batik",
        "kbli": "13134",
        "raw_material": "Kain mori, malam, pewarna",
        "villages": [Village("Bangun Mulya", "Waru")],
    },
    {
        "name": "Sentra Terasi",
        "commodity": "Terasi",
        "kbli": "10295",
        "product": "Terasi",
        "raw_material": "Udang rebon",
        "villages": [Village("Jenebora", "Penajam")],
    },
    {
        "name": "Sentra Tenun",
        "commodity": "Tenun",
        "kbli": "13121",
        "raw_material": "Benang",
        "villages": [Village("Telemow", "Sepaku")],
    },
    {
        "name": "Sentra Rotan",
        "commodity": "Kerajinan rotan",
        "kbli": "16291",
        "raw_material": "Rotan",
        # Reported as both in Kecamatan Sepaku; the official list puts Sepan in Penajam.
        "villages": [
            Village("Sepan", "Penajam", "64.09.01.1015"),
            Village("Pemaluan", "Sepaku", "64.09.04.1006"),
        ],
        "description": (
            "Catatan: pemberitaan SK Bupati PPU 518/176/2020 menyebut Sepan dan Pemaluan di Kecamatan "
            "Sepaku; menurut data wilayah Kemendagri Kelurahan Sepan (64.09.01.1015) berada di Kecamatan "
            'Penajam dan Pemaluan (64.09.04.1006) di Kecamatan Sepaku. Sentra rotan "Sekar Penyangga '
            'IKN" diresmikan di Sepan pada 4 November 2022 (radaribukota.com/?p=517).'
        ),
    },
    {
        "name": "Sentra Kerajinan Bambu",
        "commodity": "Kerajinan bambu",
        "kbli": "16291",
        "raw_material": "Bambu",
        "villages": [Village("Nenang", "Penajam")],
    },
    {
        "name": "Sentra Gula Aren",
        "commodity": "Gula aren",
        "kbli": "10722",
        "raw_material": "Nira aren",
        "villages": [Village("Api-Api", "Waru")],
    },
]

# Keputusan Walikota Balikpapan 06/2000 (dkumkmp.balikpapan.go.id/index.php/content/566). Its day and
# month were not found: Decree.issued_on holds a full date, so 1 January of the year stands in and
# the centre's description says so.
SOMBER_DECREE = {
    "place": "Kota Balikpapan",
    "kind": "sk_walikota",
    "number": "06/2000",
    "issued_on": date(2000, 1, 1),
    "signatory": "Walikota Balikpapan",
    "title": "Kawasan Industri Kecil di Somber Kelurahan Muara Rapak Kecamatan Balikpapan Utara",
}

# Outside PPU. Tarakan's places were reported without a kecamatan and are resolved by name; Somber's
# kelurahan is known by code ("Somber" is a locality, not a kelurahan).
OTHER_CENTRES: list[dict] = [
    {
        "name": "Sentra Pengolahan Hasil Laut Tarakan",
        "commodity": "Amplang dan keripik hasil laut",
        "kbli": "10794",
        "raw_material": "Ikan dan hasil laut",
        "regency": "Kota Tarakan",
        "villages": [Village("Kampung Empat"), Village("Kampung Enam")],
        "decree": None,
        "status": "proposed",
        "proposed_on": date(2023, 5, 9),
        "agency": KALTARA_AGENCY,
        "description": (
            "Direncanakan dengan identitas (gapura, logo) dan rumah-rumah yang mengolah bahan baku "
            "yang sama; dapat ditetapkan lewat Perwali/Perda sebagai desa wisata atau desa pengrajin "
            "(Kepala Disperindagkop Kaltara, 9 Mei 2023)."
        ),
    },
    {
        "name": "Sentra IKM Tahu Tempe Somber",
        "commodity": "Tahu dan tempe",
        "kbli": "10392",
        "raw_material": "Kedelai",
        "product": "Tahu Tempe",
        "regency": "Kota Balikpapan",
        "villages": [Village("Batu Ampar", "Balikpapan Utara", "64.71.03.1001")],
        "status": "designated",
        "proposed_on": None,
        "decree": SOMBER_DECREE,
        "agency": BALIKPAPAN_AGENCY,
        "upt_name": "UPTD Sentra Industri Kecil (Peraturan Walikota Balikpapan 33/2018)",
        "facilities": "94 rumah produksi, 80 di antaranya aktif.",
        "description": (
            "Di Jl. Alam Baru, kawasan Somber, Kelurahan Batu Ampar (64.71.03.1001), Kecamatan "
            "Balikpapan Utara. Catatan: Keputusan Walikota Balikpapan 06/2000 menyebut kawasan ini di "
            "Kelurahan Muara Rapak (64.71.03.1004); tanggal keputusan itu tidak diketahui, 1 Januari 2000 "
            "dicatat sebagai penggantinya. Badan pengelola dibentuk dengan Keputusan Walikota Balikpapan "
            "14/2002 dan UPTD dengan Peraturan Walikota Balikpapan 33/2018; dikelola DKUMKMP Kota "
            "Balikpapan. 94 rumah produksi, 80 aktif, 98 anggota IKM (anggota yang tercatat di sini data "
            "contoh). Dikunjungi peserta Rakor Ditjen IKMA pada 26 Februari 2019."
        ),
    },
]

# persona → (username, agency name; None for the superuser)
PERSONAS: list[tuple[str, str, str | None]] = [
    ("Kementerian (Ditjen IKMA)", "kemenperin", MINISTRY_AGENCY),
    ("Analis kementerian", "analis.ikma", MINISTRY_AGENCY),
    ("Provinsi (Disperindagkop Kaltim)", "disperindag.kaltim", KALTIM_AGENCY),
    ("Kabupaten (Dinas PPU)", "dinas.ppu", PPU_AGENCY),
    ("Pendamping TPL-IKM (PPU)", "tpl.ppu", PPU_AGENCY),
    ("Dekranasda Kutai Timur", "dekranasda.kutim", DEKRANASDA_KUTIM_AGENCY),
    ("Administrator (superuser)", "admin", None),
]
# username → role (accounts.models.Role); the province officer also administers its users
PERSONA_ROLES = {
    "kemenperin": "ministry_admin",
    "analis.ikma": "ministry_analyst",
    "disperindag.kaltim": "province_officer",
    "dinas.ppu": "regency_officer",
    "tpl.ppu": "facilitator",
    "dekranasda.kutim": "dekranas_officer",
}
DEMO_PASSWORD = "sentra-demo-2026"
