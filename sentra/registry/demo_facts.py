"""Real facts behind `sentra demo`, as Python data.

Source: the project's research notes docs/demo-facts.md and docs/domain-facts.md §6 (Indonesian
regional news 2019–2023 on IKM development), copied here so that the demo needs nothing outside
the package at run time. Places are written as reported; sentra.registry.demo resolves every one
through the gazetteer and reports what does not resolve instead of guessing a code.
"""

from __future__ import annotations

from datetime import date

PPU = "Kabupaten Penajam Paser Utara"

# (name, short name, AgencyKind value, place as reported or None for a national body, region level)
AGENCIES: list[tuple[str, str, str, str | None, int | None]] = [
    ("Direktorat Jenderal IKMA, Kementerian Perindustrian", "Ditjen IKMA", "ministry", None, None),
    ("Dewan Kerajinan Nasional", "Dekranas", "dekranas", None, None),
    (
        "Disperindagkop Provinsi Kalimantan Timur",
        "Disperindagkop Kaltim",
        "province_industry",
        "Provinsi Kalimantan Timur",
        1,
    ),
    (
        "Disperindagkop Provinsi Kalimantan Utara",
        "Disperindagkop Kaltara",
        "province_industry",
        "Provinsi Kalimantan Utara",
        1,
    ),
    (
        "Disperindag Provinsi Nusa Tenggara Timur",
        "Disperindag NTT",
        "province_industry",
        "Provinsi Nusa Tenggara Timur",
        1,
    ),
    (
        "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara",
        "Disperindag UKM PPU",
        "regency_industry",
        PPU,
        2,
    ),
    ("DPMD Kabupaten Penajam Paser Utara", "DPMD PPU", "dpmd", PPU, 2),
    (
        "Dinas Pariwisata dan Kebudayaan Kabupaten Penajam Paser Utara",
        "Disparbud PPU",
        "tourism",
        PPU,
        2,
    ),
    ("Bapelitbang Kabupaten Penajam Paser Utara", "Bapelitbang PPU", "planning", PPU, 2),
    (
        "Dekranasda Kabupaten Kutai Timur",
        "Dekranasda Kutim",
        "dekranas",
        "Kabupaten Kutai Timur",
        2,
    ),
    ("Diskominfo Kabupaten Kutai Timur", "Diskominfo Kutim", "communications", "Kabupaten Kutai Timur", 2),
]

PPU_AGENCY = "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara"
KALTARA_AGENCY = "Disperindagkop Provinsi Kalimantan Utara"
KALTIM_AGENCY = "Disperindagkop Provinsi Kalimantan Timur"

PPU_DECREE = {
    "place": PPU,
    "kind": "sk_bupati",
    "number": "518/176/2020",
    "issued_on": date(2020, 6, 11),
    "signatory": "Abdul Gafur Mas'ud, Bupati Penajam Paser Utara",
    "title": "Penetapan sembilan sentra IKM di Kabupaten Penajam Paser Utara",
}

# KBLI 2020 per domain-facts §6, checked against sentra/regions/data/kbli2020.csv. The shipped
# KBLI 2020 data does list 16291 (anyaman dari rotan dan bambu), the closest code for both the
# rattan and the bamboo crafts sentra.
PPU_CENTRES: list[dict] = [
    {
        "name": "Sentra Kelapa dan Kerajinannya",
        "commodity": "Kelapa dan kerajinannya",
        "kbli": "10421",
        "raw_material": "Kelapa",
        "villages": [("Saloloang", "Penajam"), ("Pejala", "Penajam"), ("Tanjung Tengah", "Penajam")],
    },
    {
        "name": "Sentra Kapal Rakyat",
        "commodity": "Kapal rakyat (perahu kayu)",
        "kbli": "30111",
        "raw_material": "Kayu",
        "villages": [("Penajam", "Penajam"), ("Jenebora", "Penajam")],
    },
    {
        "name": "Sentra Hasil Laut",
        "commodity": "Olahan hasil laut",
        "kbli": "10219",
        "raw_material": "Ikan dan hasil laut",
        "villages": [("Babulu Laut", "Babulu")],
    },
    {
        "name": "Sentra Batik",
        "commodity": "Batik",
        "kbli": "13134",
        "raw_material": "Kain mori, malam, pewarna",
        "villages": [("Bangun Mulya", "Waru")],
    },
    {
        "name": "Sentra Terasi",
        "commodity": "Terasi",
        "kbli": "10215",
        "raw_material": "Udang rebon",
        "villages": [("Jenebora", "Penajam")],
    },
    {
        "name": "Sentra Tenun",
        "commodity": "Tenun",
        "kbli": "13121",
        "raw_material": "Benang",
        "villages": [("Telemow", "Sepaku")],
    },
    {
        "name": "Sentra Rotan",
        "commodity": "Kerajinan rotan",
        "kbli": "16291",
        "raw_material": "Rotan",
        "villages": [("Sepan", "Sepaku"), ("Pemaluan", "Sepaku")],
    },
    {
        "name": "Sentra Kerajinan Bambu",
        "commodity": "Kerajinan bambu",
        "kbli": "16291",
        "raw_material": "Bambu",
        "villages": [("Nenang", "Penajam")],
    },
    {
        "name": "Sentra Gula Aren",
        "commodity": "Gula aren",
        "kbli": "10722",
        "raw_material": "Nira aren",
        "villages": [("Api-Api", "Waru")],
    },
]

# Reported but not designated: places are (village, city) since no kecamatan was reported.
OTHER_CENTRES: list[dict] = [
    {
        "name": "Sentra Pengolahan Hasil Laut Tarakan",
        "commodity": "Amplang dan keripik hasil laut",
        "kbli": "10794",
        "raw_material": "Ikan dan hasil laut",
        "regency": "Kota Tarakan",
        "villages": ["Kampung Empat", "Kampung Enam"],
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
        "regency": "Kota Balikpapan",
        "villages": ["Somber"],
        "status": "proposed",
        "proposed_on": None,
        "agency": KALTIM_AGENCY,
        "description": "Dikunjungi peserta Rakor Ditjen IKMA pada 26 Februari 2019.",
    },
]

MINISTRY_AGENCY = "Direktorat Jenderal IKMA, Kementerian Perindustrian"

# persona → (username, agency name; None for the superuser)
PERSONAS: list[tuple[str, str, str | None]] = [
    ("Kementerian (Ditjen IKMA)", "kemenperin", MINISTRY_AGENCY),
    ("Analis kementerian", "analis.ikma", MINISTRY_AGENCY),
    ("Provinsi (Disperindagkop Kaltim)", "disperindag.kaltim", KALTIM_AGENCY),
    ("Kabupaten (Dinas PPU)", "dinas.ppu", PPU_AGENCY),
    ("Pendamping TPL-IKM (PPU)", "tpl.ppu", PPU_AGENCY),
    ("Dekranasda Kutai Timur", "dekranasda.kutim", "Dekranasda Kabupaten Kutai Timur"),
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
