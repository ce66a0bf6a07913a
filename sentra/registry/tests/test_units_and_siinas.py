"""Issue 13 points 4, 6 and 8 (docs/domain-facts §7.2):

- an enterprise record is a unit: NIB + KBLI + village. One NIB (one business actor, as OSS-RBA
  issues it) holds several units with other KBLI and/or villages; the same unit twice is refused in
  services, forms, the API and the database; imports match on the unit key, say in the report when
  a known NIB gets a new unit, and never duplicate on re-import; a per-NIB page and API endpoint
  list the units the reader may see; exports show the unit key;
- the SIINas items of Permenperin 13/2025 Pasal 7 are on the record: forms, API, import columns (a
  file without them still imports and leaves them unchanged) and an XLSX laid out for SIINas;
- a centre whose members record another main raw material is flagged, like other-KBLI members.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import SALOLOANG
from sentra.core.errors import DomainError
from sentra.registry import selectors
from sentra.registry.exports import SIINAS_COLUMNS
from sentra.registry.imports import import_centres, import_enterprises
from sentra.registry.models import CentreMembership, Enterprise
from sentra.registry.services import (
    centre_members_other_raw_material,
    centre_warnings,
    enterprise_create,
    enterprise_update,
    shares_raw_material,
)
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
NIB = "9120001234567"
SEPAN = "64.09.01.1001"  # another village of Kecamatan Penajam
KUDUS_VILLAGE = "33.19.01.2001"
TAHU, TEMPE = "10392", "10391"


def _unit(agency, *, kbli=TAHU, village=SALOLOANG, nib=NIB, name="UD Sari Kedelai", **extra):
    return EnterpriseFactory(agency=agency, nib=nib, kbli_id=kbli, village_id=village, name=name, **extra)


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- one NIB, several units -------------------------------------------------------------------------


def test_one_nib_holds_units_of_other_kbli_and_in_other_villages(regency_agency, system_actor):
    common = {"actor": system_actor, "agency": regency_agency, "nib": NIB, "name": "UD Sari Kedelai"}
    tahu = enterprise_create(village_code=SALOLOANG, kbli_code=TAHU, **common)
    tempe = enterprise_create(village_code=SALOLOANG, kbli_code=TEMPE, **common)
    elsewhere = enterprise_create(village_code=SEPAN, kbli_code=TAHU, **common)
    assert Enterprise.objects.filter(nib=NIB).count() == 3
    assert len({tahu.pk, tempe.pk, elsewhere.pk}) == 3


def test_the_same_unit_twice_is_refused_on_the_nib_field_naming_the_unit(regency_agency, system_actor):
    first = _unit(regency_agency)
    with pytest.raises(DomainError) as caught:
        enterprise_create(
            actor=system_actor,
            agency=regency_agency,
            village_code=SALOLOANG,
            kbli_code=TAHU,
            nib=NIB,
            name="UD Lain",
        )
    assert caught.value.code == "unit_exists"
    assert [(e.field, e.code) for e in caught.value.errors] == [("nib", "unit_exists")]
    assert f"#{first.pk}" in caught.value.message and TAHU in caught.value.message
    # Moving a unit onto another unit of its NIB is the same refusal.
    other = _unit(regency_agency, kbli=TEMPE)
    with pytest.raises(DomainError) as caught:
        enterprise_update(actor=system_actor, enterprise=other, kbli_code=TAHU)
    assert caught.value.code == "unit_exists"
    assert Enterprise.objects.filter(nib=NIB).count() == 2


def test_the_database_keeps_one_record_per_unit_and_none_for_units_without_nib(regency_agency):
    _unit(regency_agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit(regency_agency, name="UD Tiruan")
    # Without a NIB, units are told apart by name and village (the import's rule), not by the index.
    _unit(regency_agency, nib=None)
    _unit(regency_agency, nib=None)
    assert Enterprise.objects.filter(nib__isnull=True).count() == 2


def test_the_web_form_shows_the_unit_refusal_on_the_nib_field(auth_client, regency_agency):
    _unit(regency_agency)
    data = {
        "name": "UD Lain",
        "nib": NIB,
        "village_code": SALOLOANG,
        "kbli_code": TAHU,
        "workers": "2",
        "investment": "1000000",
        "status": "active",
        "agency": regency_agency.pk,
    }
    response = auth_client.post(reverse("web:enterprise_create"), data)
    assert response.status_code == 200
    assert any("sudah memiliki unit usaha" in m for m in response.context["form"].errors["nib"])
    response = auth_client.post(reverse("web:enterprise_create"), {**data, "kbli_code": TEMPE})
    assert response.status_code == 302
    assert Enterprise.objects.filter(nib=NIB).count() == 2


def test_the_api_creates_a_second_unit_and_refuses_the_same_unit_with_its_code(auth_client, regency_agency):
    _unit(regency_agency)
    payload = {
        "agency_id": regency_agency.pk,
        "village": SALOLOANG,
        "kbli": TEMPE,
        "name": "UD Sari",
        "nib": NIB,
    }
    created = auth_client.post(f"{API}/enterprises", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["unit_key"] == f"{NIB}/{TEMPE}/{SALOLOANG}"
    again = auth_client.post(f"{API}/enterprises", json.dumps(payload), content_type="application/json")
    assert again.status_code == 400
    assert again.json()["code"] == "unit_exists"


# --- imports match on the unit key --------------------------------------------------------------------

HEADER = "nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi"


def test_reimporting_a_file_updates_its_units_and_never_duplicates(tmp_path, actor, ministry_agency):
    text = "\n".join(
        [
            HEADER,
            f"UD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},4,50000000",
            f"UD Sari Kedelai,{NIB},{TEMPE},{SALOLOANG},3,20000000",
            f"UD Tanpa NIB,,{TAHU},{SEPAN},2,1000000",
        ]
    )
    first = import_enterprises(actor=actor, path=_write(tmp_path, text), commit=True)
    assert first.ok and (first.created, first.updated) == (3, 0), first.errors
    again = import_enterprises(actor=actor, path=_write(tmp_path, text.replace(",4,", ",6,")), commit=True)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 1, 2), again.errors
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(nib=NIB, kbli_id=TAHU).workers == 6
    assert Enterprise.objects.get(nib=NIB, kbli_id=TEMPE).workers == 3


def test_a_known_nib_with_another_kbli_or_village_is_a_new_unit_said_in_the_dry_run(
    tmp_path, actor, regency_agency
):
    existing = _unit(regency_agency, workers=4)
    text = "\n".join(
        [
            HEADER,
            f"UD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},9,50000000",  # its unit: an update
            f"UD Sari Kedelai,{NIB},{TEMPE},{SALOLOANG},3,20000000",  # another KBLI: a new unit
            f"UD Sari Kedelai,{NIB},{TAHU},{SEPAN},2,10000000",  # another village: a new unit
        ]
    )
    dry = import_enterprises(actor=actor, path=_write(tmp_path, text))
    assert dry.ok and not dry.committed
    assert [(w.row, w.column, w.code) for w in dry.warnings] == [
        (3, "nib", "new_unit"),
        (4, "nib", "new_unit"),
    ]
    assert "unit usaha baru" in dry.warnings[0].message and TEMPE in dry.warnings[0].message
    assert Enterprise.objects.count() == 1
    done = import_enterprises(actor=actor, path=_write(tmp_path, text), commit=True)
    assert done.ok and (done.created, done.updated) == (2, 1)
    existing.refresh_from_db()
    assert existing.workers == 9
    units = sorted(Enterprise.objects.filter(nib=NIB).values_list("kbli_id", "village_id"))
    assert units == sorted([(TAHU, SALOLOANG), (TEMPE, SALOLOANG), (TAHU, SEPAN)])


def test_the_same_unit_twice_in_a_file_is_a_duplicate_but_two_units_of_a_nib_are_not(
    tmp_path, actor, ministry_agency
):
    text = "\n".join(
        [
            HEADER,
            f"UD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},4,50000000",
            f"UD Sari Kedelai,{NIB},{TEMPE},{SALOLOANG},3,20000000",
            f"UD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},5,50000000",
        ]
    )
    report = import_enterprises(actor=actor, path=_write(tmp_path, text))
    assert [(e.row, e.column, e.code) for e in report.errors] == [(4, "nib", "duplicate_key")]
    assert "baris 2" in report.errors[0].message


def test_a_row_without_nib_that_names_several_units_is_refused_not_guessed(tmp_path, actor, regency_agency):
    _unit(regency_agency, kbli=TAHU)
    _unit(regency_agency, kbli=TEMPE)
    text = f"{HEADER}\nUD Sari Kedelai,,10393,{SALOLOANG},4,50000000\n"
    report = import_enterprises(actor=actor, path=_write(tmp_path, text), commit=True)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "nib", "unit_ambiguous")]
    assert Enterprise.objects.count() == 2 and not report.committed
    # With the KBLI of one of them, the row is that unit.
    text = f"{HEADER}\nUD Sari Kedelai,,{TEMPE},{SALOLOANG},7,50000000\n"
    report = import_enterprises(actor=actor, path=_write(tmp_path, text), commit=True)
    assert report.ok and (report.created, report.updated) == (0, 1), report.errors
    assert Enterprise.objects.get(kbli_id=TEMPE).workers == 7


def test_a_row_with_a_nib_fills_in_the_nib_of_the_unit_registered_without_one(
    tmp_path, actor, regency_agency
):
    unit = _unit(regency_agency, nib=None)
    report = import_enterprises(
        actor=actor,
        path=_write(tmp_path, f"{HEADER}\nUD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},4,1\n"),
        commit=True,
    )
    assert report.ok and (report.created, report.updated) == (0, 1)
    unit.refresh_from_db()
    assert unit.nib == NIB


def test_the_new_unit_warning_names_no_unit_outside_the_importers_region(
    tmp_path, regency_agency, kudus_agency
):
    _unit(kudus_agency, village=KUDUS_VILLAGE, name="UD Rahasia Kudus")
    officer = actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    report = import_enterprises(
        actor=officer, path=_write(tmp_path, f"{HEADER}\nUD Sari,{NIB},{TAHU},{SALOLOANG},4,1\n"), commit=True
    )
    assert report.ok and report.created == 1 and report.warnings == []


# --- the per-NIB view --------------------------------------------------------------------------------


def test_the_business_page_and_api_list_every_unit_the_reader_may_see(client, regency_agency, kudus_agency):
    mine = [_unit(regency_agency, kbli=TAHU, workers=3), _unit(regency_agency, kbli=TEMPE, workers=2)]
    _unit(kudus_agency, village=KUDUS_VILLAGE, name="UD Rahasia Kudus", workers=40)
    officer = persona(Role.REGENCY_OFFICER, agency=regency_agency)
    client.force_login(officer)
    page = client.get(reverse("web:business_detail", args=[NIB]))
    assert page.status_code == 200
    assert [u.pk for u in page.context["units"]] == [mine[1].pk, mine[0].pk]  # by KBLI: tempe, tahu
    body = page.content.decode()
    assert "Rahasia" not in body and KUDUS_VILLAGE not in body
    assert f"{NIB}/{TAHU}/{SALOLOANG}" in body
    api = client.get(f"{API}/businesses/{NIB}").json()
    assert (api["units"], api["workers"], api["kbli_codes"]) == (2, 5, [TEMPE, TAHU])
    assert {u["unit_key"] for u in api["results"]} == {
        f"{NIB}/{TAHU}/{SALOLOANG}",
        f"{NIB}/{TEMPE}/{SALOLOANG}",
    }
    # A NIB with no unit in the reader's region answers as a record outside it: 404.
    other = "9129990000001"
    _unit(kudus_agency, nib=other, village=KUDUS_VILLAGE)
    assert client.get(reverse("web:business_detail", args=[other])).status_code == 404
    assert client.get(f"{API}/businesses/{other}").status_code == 404
    assert client.get(f"{API}/businesses/123").status_code == 404


def test_the_enterprise_page_links_its_nib_to_the_business_page(auth_client, regency_agency):
    unit = _unit(regency_agency)
    page = auth_client.get(reverse("web:enterprise_detail", args=[unit.pk])).content.decode()
    assert reverse("web:business_detail", args=[NIB]) in page
    assert f"{NIB}/{TAHU}/{SALOLOANG}" in page


def test_the_member_field_asks_which_unit_a_nib_of_several_means(regency_agency, system_actor):
    from sentra.web.forms import resolve_members

    tahu = _unit(regency_agency, kbli=TAHU, name="UD Tahu Sari")
    _unit(regency_agency, kbli=TEMPE, name="UD Tempe Sari")
    resolved, errors = resolve_members(NIB, system_actor)
    assert resolved == [] and [e.code for e in errors] == ["member_ambiguous"]
    resolved, errors = resolve_members(f"{NIB} — UD Tahu Sari", system_actor)
    assert errors == [] and [e.pk for _entry, e in resolved] == [tahu.pk]


def test_the_centre_import_names_a_member_unit_by_its_key(tmp_path, actor, regency_agency):
    tahu = _unit(regency_agency, kbli=TAHU)
    _unit(regency_agency, kbli=TEMPE)
    head = "nama_sentra,komoditas,kbli,kode_wilayah,nib_anggota"
    # The centre lies in Sepan and makes 10393: neither tells which of the NIB's two units is meant.
    ambiguous = import_centres(
        actor=actor, path=_write(tmp_path, f"{head}\nSentra Kedelai,Tahu,10393,{SEPAN},{NIB}\n")
    )
    assert [(e.column, e.code) for e in ambiguous.errors] == [("nib_anggota", "member_ambiguous")]
    assert f"{NIB}/{TAHU}/{SALOLOANG}" in ambiguous.errors[0].message
    text = f"{head}\nSentra Tahu,Tahu,{TAHU},{SEPAN},{NIB}/{TAHU}/{SALOLOANG}\n"
    report = import_centres(actor=actor, path=_write(tmp_path, text), commit=True)
    assert report.ok, report.errors
    assert list(CentreMembership.objects.values_list("enterprise_id", flat=True)) == [tahu.pk]


# --- SIINas items ------------------------------------------------------------------------------------

SIINAS_HEADER = (
    "nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi,kapasitas_terpasang,jumlah_produksi,"
    "satuan_produksi,bahan_baku,jumlah_bahan_baku,satuan_bahan_baku,asal_bahan_baku,nilai_tanah_bangunan,"
    "pemakaian_air,satuan_air,jenis_bahan_bakar,pemakaian_bahan_bakar,satuan_bahan_bakar,"
    "pemakaian_listrik,satuan_listrik,jumlah_mesin,mesin,tahun_data"
)
SIINAS_ROW = (
    f"UD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},4,50000000,1500,1000,kg,Kedelai,800,kg,Impor,150000000,"
    '120,m3,LPG,360,kg,2400,kWh,3,"Penggiling 1, perebus 2",2025'
)


def test_the_siinas_columns_import_and_a_file_without_them_leaves_them_unchanged(
    tmp_path, actor, ministry_agency
):
    report = import_enterprises(
        actor=actor, path=_write(tmp_path, f"{SIINAS_HEADER}\n{SIINAS_ROW}\n"), commit=True
    )
    assert report.ok, report.errors
    unit = Enterprise.objects.get()
    assert (unit.installed_capacity, unit.production_quantity, unit.production_unit) == (
        Decimal("1500.00"),
        Decimal("1000.00"),
        "kg",
    )
    assert (unit.raw_material, unit.raw_material_quantity, unit.raw_material_origin) == (
        "Kedelai",
        Decimal("800.00"),
        "imported",
    )
    assert (unit.land_building_value, unit.water_use, unit.fuel_type, unit.electricity_unit) == (
        150_000_000,
        Decimal("120.00"),
        "LPG",
        "kWh",
    )
    assert (unit.machine_count, unit.machines, unit.data_year) == (3, "Penggiling 1, perebus 2", 2025)
    event = AuditEvent.objects.get(object_id=unit.pk)
    assert event.snapshot["raw_material"] == "Kedelai" and event.snapshot["water_use"] == "120.00"
    # An old file (no SIINas column) still imports, updating only what it carries.
    old = import_enterprises(
        actor=actor,
        path=_write(tmp_path, f"{HEADER}\nUD Sari Kedelai,{NIB},{TAHU},{SALOLOANG},6,50000000\n"),
        commit=True,
    )
    assert old.ok and old.updated == 1
    unit.refresh_from_db()
    assert (unit.workers, unit.raw_material, unit.machine_count) == (6, "Kedelai", 3)


def test_a_bad_siinas_cell_is_reported_with_its_column(tmp_path, actor, ministry_agency):
    row = SIINAS_ROW.replace(",Impor,", ",Luar angkasa,").replace(",120,m3,", ",-5,m3,")
    report = import_enterprises(actor=actor, path=_write(tmp_path, f"{SIINAS_HEADER}\n{row}\n"), commit=True)
    assert sorted((e.column, e.code) for e in report.errors)[0][0] in ("asal_bahan_baku", "pemakaian_air")
    assert {e.column for e in report.errors} == {"asal_bahan_baku", "pemakaian_air"}
    assert not Enterprise.objects.exists()


def test_the_siinas_items_go_through_the_form_and_the_api(auth_client, regency_agency):
    data = {
        "name": "UD Sari Kedelai",
        "nib": NIB,
        "village_code": SALOLOANG,
        "kbli_code": TAHU,
        "workers": "4",
        "investment": "50000000",
        "status": "active",
        "agency": regency_agency.pk,
        "raw_material": "Kedelai",
        "raw_material_origin": "domestic",
        "electricity_use": "2400",
        "electricity_unit": "kWh",
        "machine_count": "3",
    }
    response = auth_client.post(reverse("web:enterprise_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    unit = Enterprise.objects.get()
    assert (unit.raw_material, unit.raw_material_origin, unit.electricity_use, unit.machine_count) == (
        "Kedelai",
        "domestic",
        Decimal("2400.00"),
        3,
    )
    patch = auth_client.patch(
        f"{API}/enterprises/{unit.pk}",
        json.dumps({"water_use": "12.5", "water_unit": "m3", "land_building_value": 90_000_000}),
        content_type="application/json",
    )
    assert patch.status_code == 200, patch.content
    body = patch.json()
    assert (body["water_use"], body["land_building_value"], body["raw_material"]) == (
        "12.50",
        90_000_000,
        "Kedelai",
    )
    page = auth_client.get(reverse("web:enterprise_detail", args=[unit.pk])).content.decode()
    assert "Data laporan SIINas" in page and "Kedelai" in page


def test_the_siinas_export_is_one_row_per_unit_in_the_items_order(
    auth_client, regency_agency, tmp_path, user
):
    _unit(regency_agency, kbli=TAHU, raw_material="Kedelai", machine_count=3)
    _unit(regency_agency, kbli=TEMPE)
    response = auth_client.get(reverse("web:enterprise_siinas_export"), {"q": NIB})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in SIINAS_COLUMNS]
    numbered = [h.split(".")[0] for h in rows[0] if h[0].isdigit()]
    assert numbered[0] == "1" and numbered[-1] == "11"
    assert sorted(r[1] for r in rows[1:]) == [TEMPE, TAHU]
    out = tmp_path / "siinas.xlsx"
    call_command("export", "enterprises", str(out), "--format", "siinas", "--as", user.username)
    assert len(list(load_workbook(out).active.iter_rows())) == 3
    # The ordinary export shows the unit key.
    listed = b"".join(auth_client.get(reverse("web:enterprise_export")).streaming_content).decode("utf-8-sig")
    assert "Kunci unit (NIB/KBLI/desa)" in listed and f"{NIB}/{TAHU}/{SALOLOANG}" in listed


# --- a centre's members and its raw material -------------------------------------------------------


@pytest.mark.parametrize(
    ("centre", "member", "shares"),
    [
        ("Ikan tenggiri", "ikan  TENGGIRI", True),
        ("Ikan tenggiri", "Ikan", True),
        ("Kedelai", "Ikan", False),
        ("Kedelai", "", None),
    ],
)
def test_a_member_shares_the_raw_material_when_one_names_the_other(centre, member, shares):
    assert shares_raw_material(centre, member) is shares


def test_members_of_another_raw_material_are_flagged_like_other_kbli_ones(
    regency_agency, system_actor, auth_client
):
    centre = CentreFactory(agency=regency_agency, kbli_id=TAHU, raw_material="Kedelai", name="Sentra Tahu")
    for i, material in enumerate(["Kedelai", "kedelai impor", "Jagung", "", "Beras"]):
        member = _unit(regency_agency, nib=f"91200000002{i:02d}", raw_material=material)
        CentreMembership.objects.create(centre=centre, enterprise=member)
    read = selectors.centre_get(actor=system_actor, pk=centre.pk)
    assert (read.member_count, read.members_other_kbli, read.members_other_raw_material) == (5, 0, 2)
    ids = list(centre.memberships.values_list("enterprise_id", flat=True))
    assert centre_members_other_raw_material(raw_material="Kedelai", enterprise_ids=ids) == 2
    warnings = centre_warnings(
        member_count=5,
        members_other_raw_material=read.members_other_raw_material,
        raw_material=read.raw_material,
    )
    assert len(warnings) == 1 and "2 anggota" in warnings[0] and "Kedelai" in warnings[0]
    assert auth_client.get(f"{API}/centres/{centre.pk}").json()["warnings"] == warnings
    page = auth_client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "bahan baku sejenis" in page


def test_a_centre_without_a_raw_material_is_not_flagged_for_it(regency_agency, system_actor):
    centre = CentreFactory(agency=regency_agency, kbli_id=TAHU, raw_material="")
    CentreMembership.objects.create(centre=centre, enterprise=_unit(regency_agency, raw_material="Jagung"))
    assert selectors.centre_get(actor=system_actor, pk=centre.pk).members_other_raw_material == 0


def test_the_centre_import_warns_about_members_of_another_raw_material(tmp_path, actor, regency_agency):
    members = [_unit(regency_agency, nib=f"91200000003{i:02d}", raw_material="Jagung") for i in range(5)]
    nibs = ";".join(m.nib for m in members)
    text = (
        "nama_sentra,komoditas,kbli,bahan_baku,kode_wilayah,nib_anggota\n"
        f'Sentra Tahu,Tahu,{TAHU},Kedelai,{SALOLOANG},"{nibs}"\n'
    )
    report = import_centres(actor=actor, path=_write(tmp_path, text))
    assert [(w.row, w.code) for w in report.warnings] == [(2, "members_other_raw_material")]
