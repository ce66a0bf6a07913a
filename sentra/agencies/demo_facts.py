"""The real agencies behind `sentra demo`, as plain data (no Django: bench/load.py reads the personas of
sentra/registry/demo_facts.py, which name these agencies, without setting Django up).

Source: the project's research notes docs/demo-facts.md and docs/domain-facts.md (regional news
2019–2023). sentra/agencies/demo.py has the helpers every domain's demo step uses to find them.
"""

from __future__ import annotations

PPU = "Kabupaten Penajam Paser Utara"

MINISTRY_AGENCY = "Direktorat Jenderal IKMA, Kementerian Perindustrian"
DEKRANAS_AGENCY = "Dewan Kerajinan Nasional"
KALTIM_AGENCY = "Disperindagkop Provinsi Kalimantan Timur"
KALTARA_AGENCY = "Disperindagkop Provinsi Kalimantan Utara"
NTT_AGENCY = "Disperindag Provinsi Nusa Tenggara Timur"
PPU_AGENCY = "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara"
DEKRANASDA_KUTIM_AGENCY = "Dekranasda Kabupaten Kutai Timur"
DISKOMINFO_KUTIM_AGENCY = "Diskominfo Kabupaten Kutai Timur"
# The city's industry office, which runs the Somber sentra (dkumkmp.balikpapan.go.id).
BALIKPAPAN_AGENCY = "Dinas Koperasi, UMKM dan Perindustrian Kota Balikpapan"

# (name, short name, AgencyKind value, place as reported or None for a national body, region level)
AGENCIES: list[tuple[str, str, str, str | None, int | None]] = [
    (MINISTRY_AGENCY, "Ditjen IKMA", "ministry", None, None),
    (DEKRANAS_AGENCY, "Dekranas", "dekranas", None, None),
    (KALTIM_AGENCY, "Disperindagkop Kaltim", "province_industry", "Provinsi Kalimantan Timur", 1),
    (KALTARA_AGENCY, "Disperindagkop Kaltara", "province_industry", "Provinsi Kalimantan Utara", 1),
    (NTT_AGENCY, "Disperindag NTT", "province_industry", "Provinsi Nusa Tenggara Timur", 1),
    (PPU_AGENCY, "Disperindag UKM PPU", "regency_industry", PPU, 2),
    ("DPMD Kabupaten Penajam Paser Utara", "DPMD PPU", "dpmd", PPU, 2),
    ("Dinas Pariwisata dan Kebudayaan Kabupaten Penajam Paser Utara", "Disparbud PPU", "tourism", PPU, 2),
    ("Bapelitbang Kabupaten Penajam Paser Utara", "Bapelitbang PPU", "planning", PPU, 2),
    (DEKRANASDA_KUTIM_AGENCY, "Dekranasda Kutim", "dekranas", "Kabupaten Kutai Timur", 2),
    (DISKOMINFO_KUTIM_AGENCY, "Diskominfo Kutim", "communications", "Kabupaten Kutai Timur", 2),
    (BALIKPAPAN_AGENCY, "DKUMKMP Balikpapan", "regency_industry", "Kota Balikpapan", 2),
]
