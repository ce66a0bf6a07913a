"""The facilitator pages at /pendamping/: lists, details and forms per role.

A Dinas sees its regency's facilitators, a facilitator only their own record and work, another
regency's records answer 404; the NIK is in no list or export and shown only to managers on request
(each reading logged); the forms write through facilitators.services and show its refusals.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sentra.audit.models import AuditAction, AuditEvent
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.facilitators.models import Assignment, Contract, Facilitator, Placement, Visit
from sentra.facilitators.tests.conftest import *  # noqa: F403 (the facilitators personas and records)
from sentra.facilitators.tests.factories import ContractFactory, FacilitatorFactory
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

NIK = "6409011203920001"


@pytest.fixture
def login():
    """A client of its own per user, so that several personas can act in one test."""

    def as_(user):
        client = Client()
        client.force_login(user)
        return client

    return as_


@pytest.fixture
def dinas(login, ppu_officer_user):
    return login(ppu_officer_user)


@pytest.fixture
def kudus_client(login, kudus_officer):
    return login(get_user_model().objects.get(pk=kudus_officer.user_id))


def names(response) -> str:
    return response.content.decode()


# --- lists --------------------------------------------------------------------------------------------


def test_the_dinas_lists_its_regency_and_not_another(dinas, facilitator, colleague, kudus_facilitator):
    page = names(dinas.get(reverse("web:facilitator_list")))
    assert "Nur Aisyah" in page and "Andi Saputra" in page
    assert "Siti Rohmah" not in page
    assert 'id="facilitator-create"' in page


def test_a_facilitator_lists_only_themself(login, tpl_user, facilitator, colleague):
    page = names(login(tpl_user).get(reverse("web:facilitator_list")))
    assert "Nur Aisyah" in page and "Andi Saputra" not in page
    assert 'id="facilitator-create"' not in page  # a facilitator never records facilitators


def test_another_regency_lists_its_own(kudus_client, facilitator, kudus_facilitator):
    page = names(kudus_client.get(reverse("web:facilitator_list")))
    assert "Siti Rohmah" in page and "Nur Aisyah" not in page


def test_search_and_filters(dinas, facilitator, ppu_dinas):
    FacilitatorFactory(name="Budi Santoso", cohort=2019, polytechnic="sttt_bandung", agency=ppu_dinas)
    FacilitatorFactory(name="Dewi Lestari", cohort=2014, status="resigned", agency=ppu_dinas)
    url = reverse("web:facilitator_list")
    by_school = names(dinas.get(url, {"q": "bandung"}))
    assert "Budi Santoso" in by_school and "Nur Aisyah" not in by_school
    by_cohort_text = names(dinas.get(url, {"q": "2019"}))
    assert "Budi Santoso" in by_cohort_text and "Nur Aisyah" not in by_cohort_text
    cohort = names(dinas.get(url, {"cohort": "2014", "status": "active"}))
    assert "Nur Aisyah" in cohort and "Dewi Lestari" not in cohort and "Budi Santoso" not in cohort
    school = names(dinas.get(url, {"polytechnic": "atk_yogyakarta", "regency": PPU, "province": "64"}))
    assert "Nur Aisyah" in school and "Budi Santoso" not in school
    other_regency = names(dinas.get(url, {"regency": KUDUS}))
    assert "Nur Aisyah" not in other_regency


def test_a_refused_filter_value_is_said_beside_the_filter(dinas, facilitator):
    response = dinas.get(reverse("web:facilitator_list"), {"status": "gone", "regency": "64-09"})
    page = names(response)
    assert response.status_code == 200
    assert "Pilihan tidak dikenal." in page and "Isian tidak sah." in page
    assert "Nur Aisyah" in page  # the refused filters are left out


def test_sorting_by_cohort(dinas, facilitator, ppu_dinas):
    FacilitatorFactory(name="Agus Older", cohort=2012, agency=ppu_dinas)
    page = names(dinas.get(reverse("web:facilitator_list"), {"sort": "cohort"}))
    assert page.index("Agus Older") < page.index("Nur Aisyah")
    page = names(dinas.get(reverse("web:facilitator_list"), {"sort": "-cohort"}))
    assert page.index("Nur Aisyah") < page.index("Agus Older")


def test_the_export_never_carries_the_identity_number(dinas, facilitator):
    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number=NIK)
    for fmt in ("csv", "xlsx"):
        response = dinas.get(reverse("web:facilitator_export"), {"format": fmt})
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "csv":
            text = body.decode("utf-8-sig")
            assert "Nur Aisyah" in text and NIK not in text and "NIK" not in text
        else:
            import io

            import openpyxl

            sheet = openpyxl.load_workbook(io.BytesIO(body)).active
            cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
            assert "Nur Aisyah" in cells and NIK not in cells


def test_list_and_export_need_the_area(login, facilitator):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona

    stranger = login(persona(Role.DEKRANAS_OFFICER, region=PPU))
    assert stranger.get(reverse("web:facilitator_list")).status_code == 200  # reads
    assert stranger.get(reverse("web:facilitator_create")).status_code == 403


# --- detail ------------------------------------------------------------------------------------------


def test_detail_per_role(login, dinas, tpl_user, facilitator, colleague, kudus_client, placement, contract):
    url = reverse("web:facilitator_detail", args=[facilitator.pk])
    page = names(dinas.get(url))
    assert "Nur Aisyah" in page and contract.number in page and 'id="facilitator-edit"' in page
    assert kudus_client.get(url).status_code == 404
    own = login(tpl_user)
    mine = own.get(url)
    assert mine.status_code == 200 and 'id="facilitator-edit"' not in names(mine)
    assert own.get(reverse("web:facilitator_detail", args=[colleague.pk])).status_code == 404
    assert own.get(reverse("web:facilitator_detail", args=[999999])).status_code == 404


def test_detail_of_a_placement_without_a_supervisor(dinas, facilitator, placement):
    # Most placements name no supervisor (the generated national data): the page says "—".
    placement.supervisor = None
    placement.save()
    response = dinas.get(reverse("web:facilitator_detail", args=[facilitator.pk]))
    assert response.status_code == 200 and "Pembimbing" in names(response)


def test_the_identity_number_only_for_managers_on_request_and_logged(login, dinas, tpl_user, facilitator):
    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number=NIK)
    url = reverse("web:facilitator_detail", args=[facilitator.pk])
    page = names(dinas.get(url))
    assert "Tampilkan NIK" in page and NIK not in page
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS).exists()
    shown = names(dinas.get(url, {"nik": "1"}))
    assert NIK in shown
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS, object_id=facilitator.pk).count() == 1
    own = names(login(tpl_user).get(url, {"nik": "1"}))
    assert NIK not in own and "Tampilkan NIK" not in own


def test_detail_shows_placement_chain_caseload_and_visits(dinas, facilitator, placement, contract, ppu_dinas):
    renewal = ContractFactory(
        facilitator=facilitator,
        number="4.1.1 /IKM/KK/1/2027",
        previous=contract,
        contract_year=2,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )
    centre = CentreFactory(name="Sentra Amplang Penajam", agency=ppu_dinas)
    ended = EnterpriseFactory(name="UD Lama Sekali", agency=ppu_dinas)
    Assignment.objects.create(
        facilitator=facilitator,
        centre=centre,
        starts_on=dt.date(2026, 2, 1),
        last_visit_on=dt.date(2026, 11, 10),
        regency_code=PPU,
        province_code="64",
    )
    Assignment.objects.create(
        facilitator=facilitator,
        enterprise=ended,
        starts_on=dt.date(2025, 2, 1),
        ends_on=dt.date(2025, 12, 31),
        regency_code=PPU,
        province_code="64",
    )
    visit = _visit(facilitator, findings="Kemasan baru")
    page = names(dinas.get(reverse("web:facilitator_detail", args=[facilitator.pk])))
    assert ppu_dinas.name in page  # the current placement's host Dinas
    assert contract.number in page and renewal.number in page and "diperpanjang" in page
    assert "Sentra Amplang Penajam" in page and "10 Nov 2026" in page
    assert "UD Lama Sekali" in page and "binaan berakhir" in page
    assert reverse("web:visit_detail", args=[visit.pk]) in page


# --- forms -------------------------------------------------------------------------------------------


def _facilitator_form(**overrides):
    data = {
        "name": "Yohanes Bria",
        "sex": "m",
        "birth_year": "1993",
        "education": "d3",
        "polytechnic": "ati_padang",
        "cohort": "2015",
        "home_region": PPU,
        "status": "active",
        "scholarship_programme": "Beasiswa TPL-IKM Kemenperin",
    }
    data.update(overrides)
    return data


def test_the_dinas_records_a_facilitator_and_sees_refusals_on_their_fields(dinas, ppu_dinas):
    url = reverse("web:facilitator_create")
    assert dinas.get(url).status_code == 200
    refused = dinas.post(url, _facilitator_form(cohort="1999", identity_number="12345"))
    page = names(refused)
    assert refused.status_code == 200
    assert "Angkatan harus antara" in page and "NIK harus tepat 16 digit angka." in page
    assert not Facilitator.objects.exists()
    unknown = names(dinas.post(url, _facilitator_form(home_region="99.99")))
    assert "tidak dikenal" in unknown and not Facilitator.objects.exists()
    created = dinas.post(url, _facilitator_form(identity_number=NIK))
    facilitator = Facilitator.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "web:facilitator_detail", args=[facilitator.pk]
    )
    assert facilitator.agency == ppu_dinas and facilitator.regency_code == PPU
    assert facilitator.identity_number == NIK


def test_editing_keeps_the_identity_number_when_left_empty(dinas, facilitator):
    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number=NIK)
    url = reverse("web:facilitator_edit", args=[facilitator.pk])
    form = dinas.get(url)
    assert NIK not in names(form)  # never shown in a form
    facilitator.refresh_from_db()
    response = dinas.post(
        url,
        _facilitator_form(
            name="Nur Aisyah Putri", sex="f", cohort="2014", status="on_leave", version=facilitator.version
        ),
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.name == "Nur Aisyah Putri" and facilitator.status == "on_leave"
    assert facilitator.identity_number == NIK


def test_a_facilitator_may_not_open_the_managers_forms(login, tpl_user, facilitator, contract):
    own = login(tpl_user)
    assert own.get(reverse("web:facilitator_create")).status_code == 403
    assert own.get(reverse("web:facilitator_edit", args=[facilitator.pk])).status_code == 403
    assert own.get(reverse("web:facilitator_contract_create")).status_code == 403
    assert own.get(reverse("web:facilitator_contract_renew", args=[contract.pk])).status_code == 403
    assert own.post(reverse("web:facilitator_placement", args=[facilitator.pk]), {}).status_code == 403


def test_another_regency_cannot_edit(kudus_client, facilitator, contract):
    assert kudus_client.get(reverse("web:facilitator_edit", args=[facilitator.pk])).status_code == 404
    assert kudus_client.get(reverse("web:facilitator_contract_edit", args=[contract.pk])).status_code == 404
    assert (
        kudus_client.post(reverse("web:facilitator_assignment", args=[facilitator.pk]), {}).status_code == 404
    )


def test_placement_and_caseload_from_the_facilitator_page(dinas, facilitator, ppu_dinas, ppu_officer_user):
    url = reverse("web:facilitator_placement", args=[facilitator.pk])
    refused = dinas.post(url, {"region": "64", "host_agency": ppu_dinas.pk, "starts_on": "2026-01-02"})
    assert refused.status_code == 400 and "tidak dikenal" in names(refused)
    done = dinas.post(
        url,
        {
            "region": PPU,
            "host_agency": ppu_dinas.pk,
            "supervisor": ppu_officer_user.username,
            "starts_on": "2026-01-02",
        },
    )
    assert done.status_code == 302
    placement_ = Placement.objects.get(facilitator=facilitator)
    assert placement_.supervisor == ppu_officer_user

    centre = CentreFactory(name="Sentra Kelapa Sotek", agency=ppu_dinas)
    add = reverse("web:facilitator_assignment", args=[facilitator.pk])
    none = dinas.post(add, {"starts_on": "2026-02-01"})
    assert none.status_code == 400 and "Pilih satu sentra IKM atau satu IKM." in names(none)
    assert dinas.post(add, {"centre": f"#{centre.pk}", "starts_on": "2026-02-01"}).status_code == 302
    again = dinas.post(add, {"centre": f"#{centre.pk}", "starts_on": "2026-03-01"})
    assert again.status_code == 400 and "sudah menjadi binaan" in names(again)
    assignment = Assignment.objects.get()
    ended = dinas.post(
        reverse("web:facilitator_assignment_end", args=[assignment.pk]), {"ends_on": "2026-10-31"}
    )
    assert ended.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == dt.date(2026, 10, 31)  # history kept, never deleted
    dinas.post(reverse("web:facilitator_placement_end", args=[placement_.pk]), {"ends_on": "2026-11-30"})
    placement_.refresh_from_db()
    assert placement_.ends_on == dt.date(2026, 11, 30)


# --- contracts ---------------------------------------------------------------------------------------


def test_contracts_ending_within_60_days(dinas, facilitator, contract, ppu_dinas):
    later = FacilitatorFactory(name="Maria Goreti", agency=ppu_dinas)
    ContractFactory(
        facilitator=later,
        number="9.9.9 /IKM/KK/1/2027",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2027, 2, 28),
    )
    url = reverse("web:facilitator_contract_list")
    everything = names(dinas.get(url))
    assert contract.number in everything and "9.9.9 /IKM/KK/1/2027" in everything
    ending = names(dinas.get(url, {"berakhir": "60"}))
    assert contract.number in ending and "9.9.9 /IKM/KK/1/2027" not in ending
    ContractFactory(
        facilitator=facilitator,
        number="3.8.2 /IKM/KK/1/2027",
        previous=contract,
        contract_year=2,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )
    renewed = names(dinas.get(url, {"berakhir": "60"}))
    assert contract.number not in renewed  # a renewal answers the expiry


def test_contract_detail_and_renewal(login, dinas, facilitator, contract, tpl_user, kudus_client):
    detail = reverse("web:facilitator_contract_detail", args=[contract.pk])
    page = names(dinas.get(detail))
    assert 'id="contract-expiring"' in page and 'id="contract-renew"' in page
    assert kudus_client.get(detail).status_code == 404
    own = names(login(tpl_user).get(detail))
    assert contract.number in own and 'id="contract-renew"' not in own
    dinas = login(get_user_model().objects.get(username="dinas.ppu"))
    renew = reverse("web:facilitator_contract_renew", args=[contract.pk])
    assert dinas.get(renew).status_code == 200
    clash = dinas.post(renew, {"number": contract.number})
    assert clash.status_code == 400 and not Contract.objects.filter(previous=contract).exists()
    done = dinas.post(renew, {"number": "3.8.2 /IKM/KK/1/2027", "signed_place": "Penajam"})
    renewal = Contract.objects.get(previous=contract)
    assert done.status_code == 302 and done["Location"] == reverse(
        "web:facilitator_contract_detail", args=[renewal.pk]
    )
    assert renewal.contract_year == 2 and renewal.period_start == dt.date(2027, 1, 1)
    chain = names(dinas.get(reverse("web:facilitator_contract_detail", args=[renewal.pk])))
    assert contract.number in chain and 'id="contract-renew"' not in names(dinas.get(detail))


def test_contract_form_refuses_an_overlap_naming_the_other(dinas, facilitator, contract):
    response = dinas.post(
        reverse("web:facilitator_contract_create"),
        {
            "facilitator": facilitator.pk,
            "number": "5.5.5 /IKM/KK/1/2026",
            "party": "director_general",
            "contract_year": "1",
            "period_start": "2026-06-01",
            "period_end": "2027-05-31",
            "honorarium": "3500000",
            "operating_costs": "0",
        },
    )
    assert response.status_code == 200 and contract.number in names(response)
    assert Contract.objects.count() == 1


def test_contract_form_creates(dinas, facilitator):
    response = dinas.post(
        reverse("web:facilitator_contract_create"),
        {
            "facilitator": facilitator.pk,
            "number": "3.8.2 /IKM/KK/1/2018",
            "party": "director_general",
            "signed_on": "2018-01-10",
            "signed_place": "Padang",
            "contract_year": "2",
            "period_start": "2018-01-15",
            "period_end": "2018-12-31",
            "honorarium": "2500000",
            "operating_costs": "500000",
        },
    )
    created = Contract.objects.get()
    assert response.status_code == 302 and created.regency_code == PPU and created.contract_year == 2


# --- visits ------------------------------------------------------------------------------------------


def _visit(facilitator, **fields) -> Visit:
    data = {
        "client_id": uuid.uuid4(),
        "facilitator": facilitator,
        "visited_at": timezone.make_aware(dt.datetime(2026, 11, 10, 9, 30)),
        "kind": "coaching",
        "latitude": Decimal("-1.250000"),
        "longitude": Decimal("116.700000"),
        "accuracy_m": 10.0,
        "village_id": SALOLOANG,
        "regency_code": facilitator.regency_code,
        "province_code": facilitator.province_code,
    }
    data.update(fields)
    return Visit.objects.create(**data)


def test_visits_list_for_supervisors_with_filters(dinas, facilitator, colleague):
    flagged = _visit(facilitator, location_flag="outside_placement", findings="Jauh")
    october = _visit(
        colleague, visited_at=timezone.make_aware(dt.datetime(2026, 10, 5, 8, 0)), kind="monitoring"
    )
    url = reverse("web:visit_list")
    detail = lambda v: reverse("web:visit_detail", args=[v.pk])  # noqa: E731
    page = names(dinas.get(url))
    assert detail(flagged) in page and detail(october) in page
    only_flagged = names(dinas.get(url, {"flagged": "1"}))
    assert detail(flagged) in only_flagged and detail(october) not in only_flagged
    by_month = names(dinas.get(url, {"bulan": "2026-10"}))
    assert detail(october) in by_month and detail(flagged) not in by_month
    by_kind = names(dinas.get(url, {"kind": "monitoring"}))
    assert detail(october) in by_kind and detail(flagged) not in by_kind
    by_person = names(dinas.get(url, {"facilitator": facilitator.pk}))
    assert detail(flagged) in by_person and detail(october) not in by_person
    assert f'<option value="{facilitator.pk}" selected>Nur Aisyah</option>' in by_person
    assert f'<option value="{colleague.pk}">Andi Saputra</option>' in by_person
    bad_month = names(dinas.get(url, {"bulan": "2026-13"}))
    assert "Isian tidak sah." in bad_month


def test_a_facilitator_sees_only_their_own_visits(login, tpl_user, facilitator, colleague, kudus_client):
    mine = _visit(facilitator)
    theirs = _visit(colleague)
    own = login(tpl_user)
    page = names(own.get(reverse("web:visit_list")))
    assert reverse("web:visit_detail", args=[mine.pk]) in page
    assert reverse("web:visit_detail", args=[theirs.pk]) not in page
    assert "Andi Saputra" not in page  # nor the colleague's name in the facilitator select
    assert own.get(reverse("web:visit_detail", args=[theirs.pk])).status_code == 404
    assert own.get(reverse("web:visit_detail", args=[mine.pk])).status_code == 200


def test_visit_detail_shows_the_point_actions_and_flag(dinas, facilitator, kudus_client):
    visit = _visit(facilitator, location_flag="suspect_mock", findings="Produksi naik", problems="Belum PIRT")
    visit.actions.create(description="Urus PIRT ke Dinkes", due_on=dt.date(2026, 11, 1))
    page = names(dinas.get(reverse("web:visit_detail", args=[visit.pk])))
    assert 'id="location-flag"' in page and "Kemungkinan lokasi palsu" in page
    assert 'data-marker-lat="-1.250000"' in page and "leaflet.js" in page
    assert "Urus PIRT ke Dinkes" in page and "fac-overdue" in page
    assert "Produksi naik" in page and "Belum PIRT" in page
    assert kudus_client.get(reverse("web:visit_detail", args=[visit.pk])).status_code == 404


def test_menu_entries_per_role(login, dinas, tpl_user, facilitator):
    page = names(dinas.get(reverse("web:facilitator_list")))
    for name in ("facilitator_list", "facilitator_contract_list", "visit_list"):
        assert reverse(f"web:{name}") in page


def test_a_visit_photo_is_served_only_to_readers_of_the_visit(
    login, dinas, tpl_user, facilitator, colleague, kudus_client, settings, tmp_path
):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from sentra.facilitators.models import VisitPhoto

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 120, 40)).save(buffer, "JPEG")
    theirs = _visit(colleague)
    photo = VisitPhoto(client_id=uuid.uuid4(), visit=theirs, width=8, height=6, caption="Kemasan amplang")
    photo.image.save("x.jpg", ContentFile(buffer.getvalue()), save=True)
    url = reverse("web:visit_photo", args=[photo.pk])
    served = dinas.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == buffer.getvalue()
    assert url in names(dinas.get(reverse("web:visit_detail", args=[theirs.pk])))
    assert login(tpl_user).get(url).status_code == 404  # a colleague's visit
    assert kudus_client.get(url).status_code == 404
    assert dinas.get(reverse("web:visit_photo", args=[photo.pk + 1000])).status_code == 404


def test_a_facilitator_corrects_their_own_contact_only(login, tpl_user, dinas, facilitator, colleague):
    own = login(tpl_user)
    page = names(own.get(reverse("web:facilitator_detail", args=[facilitator.pk])))
    assert 'id="own-contact"' in page
    assert 'id="own-contact"' not in names(
        dinas.get(reverse("web:facilitator_detail", args=[facilitator.pk]))
    )
    url = reverse("web:facilitator_contact", args=[facilitator.pk])
    bad = own.post(url, {"phone": "0812", "email": "bukan-surel"})
    assert bad.status_code == 400 and 'id="own-contact" open' in names(bad)
    done = own.post(
        url, {"phone": "0812-5555-1234", "email": "aisyah@example.id", "study_programme": "Teknik Kimia"}
    )
    assert done.status_code == 302
    facilitator.refresh_from_db()
    assert (facilitator.phone, facilitator.email) == ("0812-5555-1234", "aisyah@example.id")
    other = reverse("web:facilitator_contact", args=[colleague.pk])
    assert own.post(other, {"phone": "0"}).status_code == 404
    colleague.refresh_from_db()
    assert colleague.phone != "0"
