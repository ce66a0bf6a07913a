"""Issue 13 points 5 and 8 (docs/domain-facts §6, §7.2):

- an IKM is manufacturing: a KBLI outside section C (divisions 10-33) is refused for enterprises,
  centres and products, in services, web forms, the API and imports, with code kbli_not_manufacturing;
- a size class is "belum diketahui" when workers and investment were never given, not "kecil";
- sentra legal forms include Keputusan Gubernur and Keputusan Kepala Dinas;
- a sentra can become *tidak aktif*, with its date and reason;
- a sentra whose members make other products (KBLI outside its subgolongan) is flagged, like one with
  fewer than five members.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from sentra.conftest import SALOLOANG
from sentra.core.errors import DomainError
from sentra.registry import selectors
from sentra.registry.choices import CentreStatus, DecreeKind, SizeClass
from sentra.registry.imports import import_centres, import_enterprises
from sentra.registry.models import CentreMembership, Decree, Enterprise, Product, kbli_section
from sentra.registry.selectors import RegistryFilter
from sentra.registry.services import (
    centre_create,
    centre_deactivate,
    centre_update,
    centre_warnings,
    decree_create,
    enterprise_create,
    enterprise_size_class,
    product_create,
)
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
RETAIL = "47111"  # section G, Perdagangan eceran
RESTAURANT = "56101"  # section I, Restoran


# --- IKM means manufacturing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "section"),
    [("01111", "A"), ("09900", "B"), ("10794", "C"), ("33151", "C"), ("35101", "D"), ("47111", "G")],
)
def test_kbli_section_follows_kbli_2020(code, section):
    assert kbli_section(code) == section


def _refused(caught) -> tuple[str, list[tuple[str, str]]]:
    error = caught.value
    return error.code, [(e.field, e.code) for e in error.errors]


def test_enterprise_with_a_trade_kbli_is_refused_naming_code_and_section(regency_agency, system_actor):
    with pytest.raises(DomainError) as caught:
        enterprise_create(
            actor=system_actor,
            agency=regency_agency,
            village_code=SALOLOANG,
            kbli_code=RETAIL,
            name="Toko Kelontong",
            workers=2,
        )
    assert _refused(caught) == ("kbli_not_manufacturing", [("kbli", "kbli_not_manufacturing")])
    assert "47111" in caught.value.message and "kategori G" in caught.value.message
    assert not Enterprise.objects.exists()


def test_enterprise_update_to_a_non_manufacturing_kbli_is_refused(regency_agency, system_actor):
    from sentra.registry.services import enterprise_update

    enterprise = EnterpriseFactory(agency=regency_agency)
    with pytest.raises(DomainError) as caught:
        enterprise_update(actor=system_actor, enterprise=enterprise, kbli_code=RESTAURANT)
    assert caught.value.code == "kbli_not_manufacturing"
    enterprise.refresh_from_db()
    assert enterprise.kbli_id == "10794"


def test_centre_and_product_with_a_non_manufacturing_kbli_are_refused(regency_agency, system_actor):
    with pytest.raises(DomainError) as caught:
        centre_create(
            actor=system_actor,
            agency=regency_agency,
            village_codes=[SALOLOANG],
            kbli_code=RESTAURANT,
            name="Sentra Kuliner",
            commodity="Makanan",
        )
    assert _refused(caught) == ("kbli_not_manufacturing", [("kbli", "kbli_not_manufacturing")])
    maker = EnterpriseFactory(agency=regency_agency)
    with pytest.raises(DomainError) as caught:
        product_create(
            actor=system_actor, agency=regency_agency, enterprise=maker, kbli_code=RETAIL, name="Paket"
        )
    assert caught.value.code == "kbli_not_manufacturing"
    assert not Product.objects.exists()


def test_the_rule_is_the_model_fields_validator_run_by_full_clean(regency_agency):
    """Whatever reaches full_clean (services, admin, ModelForms) meets the same rule."""
    enterprise = EnterpriseFactory.build(agency=regency_agency, kbli_id=RETAIL)
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert [e.code for e in caught.value.error_dict["kbli"]] == ["kbli_not_manufacturing"]
    centre = CentreFactory.build(agency=regency_agency, kbli_id=RESTAURANT)
    with pytest.raises(ValidationError) as caught:
        centre.full_clean(exclude=["villages", "members"])
    assert [e.code for e in caught.value.error_dict["kbli"]] == ["kbli_not_manufacturing"]


def test_api_refuses_a_non_manufacturing_kbli_with_its_code(auth_client, regency_agency):
    payload = {
        "agency_id": regency_agency.pk,
        "village": SALOLOANG,
        "kbli": RETAIL,
        "name": "Warung Mama Ina",
        "workers": 2,
    }
    response = auth_client.post(f"{API}/enterprises", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "kbli_not_manufacturing"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("kbli", "kbli_not_manufacturing")]
    assert not Enterprise.objects.exists()


def test_web_form_shows_the_refusal_next_to_the_kbli_field(auth_client, regency_agency):
    data = {
        "name": "Warung Baru",
        "village_code": SALOLOANG,
        "kbli_code": RETAIL,
        "workers": "2",
        "investment": "1000000",
        "status": "active",
        "agency": regency_agency.pk,
    }
    response = auth_client.post(reverse("web:enterprise_create"), data)
    assert response.status_code == 200
    assert any("kategori G" in m for m in response.context["form"].errors["kbli_code"])
    assert not Enterprise.objects.exists()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_reports_a_non_manufacturing_kbli_per_row(tmp_path, ministry_agency, actor):
    text = (
        "nama_usaha,kbli,kode_wilayah,tenaga_kerja,investasi\n"
        f"UD Amplang,10794,{SALOLOANG},4,50000000\n"
        f"Toko Kelontong,{RETAIL},{SALOLOANG},2,10000000\n"
    )
    report = import_enterprises(actor=actor, path=_write(tmp_path, text), commit=True)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(3, "kbli", "kbli_not_manufacturing")]
    assert "kategori G" in report.errors[0].message
    assert not Enterprise.objects.exists()
    text = f"nama_sentra,komoditas,kbli,kode_wilayah\nSentra Kuliner,Makanan,{RESTAURANT},{SALOLOANG}\n"
    report = import_centres(actor=actor, path=_write(tmp_path, text), commit=True)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(2, "kbli", "kbli_not_manufacturing")]


# --- size class unknown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("workers", "investment", "expected"),
    [
        (None, None, SizeClass.UNKNOWN),
        (0, 0, SizeClass.UNKNOWN),
        (3, None, SizeClass.SMALL),
        (0, 2_000_000_000, SizeClass.MEDIUM),
    ],
)
def test_size_class_is_unknown_only_when_neither_figure_was_given(workers, investment, expected):
    assert enterprise_size_class(workers=workers, investment=investment) == expected


def test_an_enterprise_registered_without_figures_is_unknown_and_filtered_and_exported_so(
    regency_agency, system_actor, auth_client
):
    enterprise = enterprise_create(
        actor=system_actor,
        agency=regency_agency,
        village_code=SALOLOANG,
        kbli_code="10794",
        name="UD Tanpa Angka",
    )
    assert enterprise.size_class == SizeClass.UNKNOWN
    assert enterprise.get_size_class_display() == "Belum diketahui"
    EnterpriseFactory(agency=regency_agency, name="UD Kecil")
    found = selectors.enterprise_list(actor=system_actor, filters=RegistryFilter(size_class="unknown"))
    assert [e.name for e in found] == ["UD Tanpa Angka"]
    response = auth_client.get(reverse("web:enterprise_export"), {"size_class": "unknown"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "UD Tanpa Angka" in text and "Belum diketahui" in text and "UD Kecil" not in text


def test_migration_marks_stored_rows_without_figures_unknown_in_one_update(
    regency_agency, django_assert_num_queries
):
    never_given = EnterpriseFactory(agency=regency_agency, workers=0, investment=0, size_class="small")
    given = EnterpriseFactory(agency=regency_agency, workers=4, investment=50_000_000)
    migration = importlib.import_module("sentra.registry.migrations.0007_manufacturing_and_lifecycle")
    with django_assert_num_queries(1):
        migration.size_unknown_when_never_given(apps, None)
    never_given.refresh_from_db()
    given.refresh_from_db()
    assert (never_given.size_class, given.size_class) == ("unknown", "small")


# --- sentra: legal forms, inactive, members' KBLI -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("kepgub", "Keputusan Gubernur"), ("kep_kadis", "Keputusan Kepala Dinas")],
)
def test_decree_kinds_include_governor_and_head_of_dinas_decrees(kind, label):
    decree = decree_create(region_code="64", kind=kind, number="500/12/2021", issued_on=date(2021, 5, 3))
    assert decree.get_kind_display() == label and DecreeKind(kind).label == label


def test_a_centre_imported_under_a_keputusan_gubernur_gets_a_provincial_decree(
    tmp_path, ministry_agency, actor
):
    text = (
        "nama_sentra,komoditas,kbli,kode_wilayah,jenis_dasar_hukum,nomor_dasar_hukum,tanggal_dasar_hukum\n"
        f"Sentra Amplang,Amplang,10794,{SALOLOANG},Keputusan Gubernur,500/7/2022,2022-02-01\n"
    )
    report = import_centres(actor=actor, path=_write(tmp_path, text), commit=True)
    assert report.ok, report.errors
    decree = Decree.objects.get()
    assert (decree.kind, decree.region_id) == ("kepgub", "64")


def test_a_centre_becomes_inactive_with_date_and_reason(regency_agency, system_actor):
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DEVELOPING)
    centre = centre_deactivate(
        actor=system_actor, centre=centre, reason="Anggota berhenti berproduksi", on=date(2026, 3, 1)
    )
    centre.refresh_from_db()
    assert (centre.status, centre.inactive_on, centre.inactive_reason) == (
        "inactive",
        date(2026, 3, 1),
        "Anggota berhenti berproduksi",
    )
    assert centre.get_status_display() == "Tidak aktif"


def test_an_inactive_centre_needs_a_reason(regency_agency, system_actor):
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DESIGNATED)
    with pytest.raises(DomainError) as caught:
        centre_deactivate(actor=system_actor, centre=centre, reason="  ")
    assert _refused(caught) == ("inactive_reason_required", [("inactive_reason", "required")])
    with pytest.raises(DomainError):
        centre_update(actor=system_actor, centre=centre, status=CentreStatus.INACTIVE)
    centre.refresh_from_db()
    assert centre.status == "designated"


def test_inactive_state_on_detail_page_and_through_the_api(auth_client, regency_agency):
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DESIGNATED)
    response = auth_client.patch(
        f"{API}/centres/{centre.pk}",
        json.dumps({"status": "inactive", "inactive_reason": "Dibubarkan", "inactive_on": "2026-02-01"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["inactive_on"], body["inactive_reason"]) == (
        "inactive",
        "2026-02-01",
        "Dibubarkan",
    )
    page = auth_client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert "Tidak aktif" in page and "Dibubarkan" in page and "Alasan tidak aktif" in page


def _centre_with(agency, kblis: list[str], centre_kbli: str = "10392"):
    centre = CentreFactory(agency=agency, kbli_id=centre_kbli, name="Sentra Tahu Tempe")
    for i, code in enumerate(kblis):
        member = EnterpriseFactory(agency=agency, kbli_id=code, nib=f"91200000001{i:02d}")
        CentreMembership.objects.create(centre=centre, enterprise=member)
    return centre


def test_members_outside_the_centres_kbli_subgolongan_are_flagged(regency_agency, system_actor):
    centre = _centre_with(regency_agency, ["10392", "10391", "10392", "13134", "10794"])
    read = selectors.centre_get(actor=system_actor, pk=centre.pk)
    assert (read.member_count, read.members_other_kbli) == (5, 2)
    warnings = centre_warnings(
        member_count=read.member_count, members_other_kbli=read.members_other_kbli, kbli_code=read.kbli_id
    )
    assert len(warnings) == 1 and "2 anggota" in warnings[0] and "1039" in warnings[0]
    listed = selectors.centre_list(actor=system_actor, filters=RegistryFilter())
    assert [(c.member_count, c.members_other_kbli) for c in listed] == [(5, 2)]


def test_members_of_similar_products_are_not_flagged(regency_agency, system_actor, auth_client):
    centre = _centre_with(regency_agency, ["10392", "10391", "10392", "10391", "10393"])
    read = selectors.centre_get(actor=system_actor, pk=centre.pk)
    assert read.members_other_kbli == 0
    assert auth_client.get(f"{API}/centres/{centre.pk}").json()["warnings"] == []


def test_the_member_kbli_warning_stands_beside_the_few_members_one(regency_agency, auth_client):
    centre = _centre_with(regency_agency, ["10392", "13134"])
    warnings = auth_client.get(f"{API}/centres/{centre.pk}").json()["warnings"]
    assert len(warnings) == 2 and "minimal 5" in warnings[0] and "produk sejenis" in warnings[1]
    page = auth_client.get(reverse("web:centre_detail", args=[centre.pk])).content.decode()
    assert page.count("alert-warning") == 2


def test_import_warns_about_members_of_other_products(tmp_path, ministry_agency, actor):
    members = [EnterpriseFactory(nib=f"912000000000{i}", kbli_id="13134") for i in range(5)]
    nibs = ";".join(m.nib for m in members)
    text = (
        f'nama_sentra,komoditas,kbli,kode_wilayah,nib_anggota\nSentra Tahu,Tahu,10392,{SALOLOANG},"{nibs}"\n'
    )
    report = import_centres(actor=actor, path=_write(tmp_path, text), commit=True)
    assert report.ok, report.errors
    assert [(w.row, w.code) for w in report.warnings] == [(2, "members_other_kbli")]


def test_web_form_sets_a_centre_inactive_only_with_a_reason(auth_client, regency_agency):
    centre = CentreFactory(agency=regency_agency, status=CentreStatus.DESIGNATED)
    data = {
        "name": centre.name,
        "commodity": centre.commodity,
        "kbli_code": centre.kbli_id,
        "village_codes": SALOLOANG,
        "member_ids": "",
        "status": "inactive",
        "agency": regency_agency.pk,
        "version": centre.version,
    }
    url = reverse("web:centre_edit", args=[centre.pk])
    response = auth_client.post(url, data)
    assert response.status_code == 200 and "inactive_reason" in response.context["form"].errors
    response = auth_client.post(url, {**data, "inactive_reason": "Dibubarkan", "inactive_on": "2026-01-05"})
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.status, centre.inactive_on, centre.inactive_reason) == (
        "inactive",
        date(2026, 1, 5),
        "Dibubarkan",
    )
