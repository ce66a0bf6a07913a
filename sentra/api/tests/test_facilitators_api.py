"""The facilitators API: /api/v1/facilitators, /facilitator-contracts, /facilitator-placements and
/facilitator-assignments — per role (a facilitator reads only their own record and work, a Dinas its
regency's, another regency 404), validation (400 with the rule's code, 422 for a malformed body), the
web pages' filters, ETag/If-Match, and never the NIK."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import KUDUS, PPU
from sentra.facilitators.models import Assignment, Contract, Facilitator, Placement
from sentra.facilitators.tests.conftest import *  # noqa: F403 (the facilitators personas and records)
from sentra.facilitators.tests.factories import ContractFactory, FacilitatorFactory
from sentra.registry.tests.factories import CentreFactory

pytestmark = pytest.mark.django_db

NIK = "6409011203920001"


@pytest.fixture
def api():
    """api(user, method, path, body=None, **headers) → response; a client of its own per call."""

    def call(user, method, url, data=None, **headers):
        client = Client()
        client.force_login(user)
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(f"/api/v1{url}", headers=headers, **kwargs)

    return call


@pytest.fixture
def dinas(ppu_officer_user):
    return ppu_officer_user


@pytest.fixture
def kudus_user(kudus_officer):
    return get_user_model().objects.get(pk=kudus_officer.user_id)


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- facilitators ----------------------------------------------------------------------------------


def test_list_per_role(api, dinas, tpl_user, kudus_user, facilitator, colleague, kudus_facilitator):
    assert ids(api(dinas, "get", "/facilitators")) == {facilitator.pk, colleague.pk}
    assert ids(api(tpl_user, "get", "/facilitators")) == {facilitator.pk}
    assert ids(api(kudus_user, "get", "/facilitators")) == {kudus_facilitator.pk}


def test_the_filters_are_the_web_pages(api, dinas, facilitator, ppu_dinas):
    other = FacilitatorFactory(name="Budi Santoso", cohort=2019, polytechnic="sttt_bandung", agency=ppu_dinas)
    assert ids(api(dinas, "get", "/facilitators?q=bandung")) == {other.pk}
    assert ids(api(dinas, "get", "/facilitators?q=2019")) == {other.pk}
    assert ids(api(dinas, "get", "/facilitators?cohort=2014&status=active")) == {facilitator.pk}
    assert ids(api(dinas, "get", f"/facilitators?regency={KUDUS}")) == set()
    names = [r["name"] for r in api(dinas, "get", "/facilitators?sort=-cohort").json()["results"]]
    assert names == ["Budi Santoso", "Nur Aisyah"]
    for bad in ("status=gone", "regency=64-09", "cohort=1800", "sort=nik", "polytechnic=harvard"):
        assert api(dinas, "get", f"/facilitators?{bad}").status_code == 422, bad


def test_detail_404_outside_and_never_the_nik(api, dinas, tpl_user, kudus_user, facilitator, colleague):
    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number=NIK)
    response = api(dinas, "get", f"/facilitators/{facilitator.pk}")
    assert response.status_code == 200 and response["ETag"] == f'"{facilitator.version}"'
    body = response.json()
    assert body["name"] == "Nur Aisyah" and body["username"] == tpl_user.username
    assert NIK not in response.content.decode() and "identity_number" not in body
    assert NIK not in api(dinas, "get", "/facilitators").content.decode()
    assert api(kudus_user, "get", f"/facilitators/{facilitator.pk}").status_code == 404
    assert api(tpl_user, "get", f"/facilitators/{colleague.pk}").status_code == 404
    assert api(tpl_user, "get", f"/facilitators/{facilitator.pk}").status_code == 200


def _new(**overrides):
    data = {
        "name": "Yohanes Bria",
        "sex": "m",
        "birth_year": 1993,
        "polytechnic": "ati_padang",
        "cohort": 2015,
        "home_region": PPU,
    }
    data.update(overrides)
    return data


def test_create_with_the_rules_codes(api, dinas, tpl_user, ppu_dinas):
    refused = api(dinas, "post", "/facilitators", _new(cohort=2001, identity_number="12345"))
    assert refused.status_code == 400
    codes = {e["code"] for e in refused.json()["errors"]}
    assert {"cohort", "identity_number"} <= codes
    assert (
        api(dinas, "post", "/facilitators", _new(home_region="99.99")).json()["code"] == "unknown_reference"
    )
    assert api(dinas, "post", "/facilitators", _new(sex="x")).status_code == 422
    assert api(dinas, "post", "/facilitators", _new(home_region="64")).status_code == 422
    assert api(tpl_user, "post", "/facilitators", _new()).status_code == 403
    assert not Facilitator.objects.exclude(user=tpl_user).exists()
    created = api(dinas, "post", "/facilitators", _new(identity_number=NIK))
    assert created.status_code == 201, created.content
    assert created.json()["agency"]["id"] == ppu_dinas.pk and created.json()["regency_code"] == PPU
    assert NIK not in created.content.decode()
    assert Facilitator.objects.get(pk=created.json()["id"]).identity_number == NIK


def test_patch_with_if_match_and_a_facilitators_own_contact(api, dinas, tpl_user, facilitator):
    url = f"/facilitators/{facilitator.pk}"
    stale = api(dinas, "patch", url, {"status": "on_leave"}, **{"If-Match": '"99"'})
    assert stale.status_code == 412
    done = api(dinas, "patch", url, {"status": "on_leave"}, **{"If-Match": f'"{facilitator.version}"'})
    assert done.status_code == 200 and done.json()["status"] == "on_leave"
    own = api(tpl_user, "patch", url, {"phone": "0812-5555-1234"})
    assert own.status_code == 200 and own.json()["phone"] == "0812-5555-1234"
    refused = api(tpl_user, "patch", url, {"cohort": 2013})
    assert refused.status_code == 403
    facilitator.refresh_from_db()
    assert facilitator.cohort == 2014


# --- contracts -------------------------------------------------------------------------------------


def _contract(facilitator, **overrides):
    data = {
        "facilitator_id": facilitator.pk,
        "number": "3.8.2 /IKM/KK/1/2018",
        "signed_on": "2018-01-10",
        "signed_place": "Padang",
        "contract_year": 2,
        "period_start": "2018-01-15",
        "period_end": "2018-12-31",
        "honorarium": 2500000,
    }
    data.update(overrides)
    return data


def test_contracts_create_validate_and_scope(
    api, dinas, tpl_user, kudus_user, facilitator, contract, kudus_facilitator
):
    overlap = api(
        dinas,
        "post",
        "/facilitator-contracts",
        _contract(facilitator, period_start="2026-06-01", period_end="2027-05-31"),
    )
    assert overlap.status_code == 400 and overlap.json()["code"] == "contract_overlap"
    assert contract.number in overlap.content.decode()
    order = api(dinas, "post", "/facilitator-contracts", _contract(facilitator, period_end="2017-12-31"))
    assert order.status_code == 400 and order.json()["code"] == "period_order"
    outside = api(dinas, "post", "/facilitator-contracts", _contract(kudus_facilitator))
    assert outside.status_code == 400 and outside.json()["code"] == "unknown_reference"
    assert api(tpl_user, "post", "/facilitator-contracts", _contract(facilitator)).status_code == 403
    assert Contract.objects.count() == 1
    created = api(dinas, "post", "/facilitator-contracts", _contract(facilitator))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["facilitator"]["id"] == facilitator.pk and body["regency_code"] == PPU
    assert body["honorarium"] == 2500000
    assert ids(api(tpl_user, "get", "/facilitator-contracts")) == {contract.pk, body["id"]}
    assert api(kudus_user, "get", f"/facilitator-contracts/{contract.pk}").status_code == 404


def test_contracts_ending_within_60_days_and_renewal(api, dinas, tpl_user, facilitator, contract, ppu_dinas):
    later = FacilitatorFactory(name="Maria Goreti", agency=ppu_dinas)
    far = ContractFactory(
        facilitator=later,
        number="9.9.9 /IKM/KK/1/2027",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2027, 2, 28),
    )
    assert ids(api(dinas, "get", "/facilitator-contracts")) == {contract.pk, far.pk}
    assert ids(api(dinas, "get", "/facilitator-contracts?expiring_within_days=60")) == {contract.pk}
    assert api(dinas, "get", "/facilitator-contracts?expiring_within_days=-1").status_code == 422
    assert (
        api(tpl_user, "post", f"/facilitator-contracts/{contract.pk}/renew", {"number": "X"}).status_code
        == 403
    )
    clash = api(dinas, "post", f"/facilitator-contracts/{contract.pk}/renew", {"number": contract.number})
    assert clash.status_code == 400 and clash.json()["code"] == "duplicate_number"
    renewed = api(
        dinas, "post", f"/facilitator-contracts/{contract.pk}/renew", {"number": "3.8.2 /IKM/KK/1/2027"}
    )
    assert renewed.status_code == 201, renewed.content
    body = renewed.json()
    assert body["previous_id"] == contract.pk and body["contract_year"] == 2
    assert body["period_start"] == "2027-01-01"
    assert api(dinas, "get", f"/facilitator-contracts/{contract.pk}").json()["renewal_id"] == body["id"]
    assert ids(api(dinas, "get", "/facilitator-contracts?expiring_within_days=60")) == set()
    again = api(
        dinas, "post", f"/facilitator-contracts/{contract.pk}/renew", {"number": "3.8.3 /IKM/KK/1/2027"}
    )
    assert again.status_code == 400 and again.json()["code"] == "already_renewed"


def test_contract_patch(api, dinas, tpl_user, kudus_user, contract):
    url = f"/facilitator-contracts/{contract.pk}"
    assert api(tpl_user, "patch", url, {"signed_place": "Penajam"}).status_code == 403
    assert api(kudus_user, "patch", url, {"signed_place": "Penajam"}).status_code == 404
    assert api(dinas, "patch", url, {"signed_place": "Penajam"}, **{"If-Match": '"99"'}).status_code == 412
    done = api(dinas, "patch", url, {"signed_place": "Penajam", "honorarium": "3750000"})
    assert done.status_code == 200 and done.json()["signed_place"] == "Penajam"
    assert done.json()["honorarium"] == 3750000
    bad = api(dinas, "patch", url, {"period_end": "2025-12-31"})
    assert bad.status_code == 400 and bad.json()["code"] == "period_order"
    assert api(dinas, "patch", url, {"signed_at_meeting_id": 999999}).json()["code"] == "unknown_reference"


# --- placements and caseload -------------------------------------------------------------------------


def test_placements(api, dinas, tpl_user, kudus_user, facilitator, ppu_dinas, ppu_officer_user):
    body = {
        "facilitator_id": facilitator.pk,
        "region": PPU,
        "host_agency_id": ppu_dinas.pk,
        "supervisor": ppu_officer_user.username,
        "starts_on": "2026-01-02",
    }
    assert api(tpl_user, "post", "/facilitator-placements", body).status_code == 403
    wrong = api(dinas, "post", "/facilitator-placements", {**body, "region": "64.71"})
    assert wrong.status_code == 400 and wrong.json()["code"] in ("out_of_scope", "host_agency_region")
    assert api(dinas, "post", "/facilitator-placements", {**body, "region": "64"}).status_code == 422
    created = api(dinas, "post", "/facilitator-placements", body)
    assert created.status_code == 201, created.content
    assert created.json()["supervisor"] == ppu_officer_user.username
    pk = created.json()["id"]
    assert ids(api(tpl_user, "get", "/facilitator-placements")) == {pk}
    assert ids(api(dinas, "get", "/facilitator-placements?current=true")) == {pk}
    assert api(kudus_user, "get", f"/facilitator-placements/{pk}").status_code == 404
    early = api(dinas, "post", f"/facilitator-placements/{pk}/end", {"ends_on": "2025-01-01"})
    assert early.status_code == 400 and early.json()["code"] == "end_before_start"
    ended = api(dinas, "post", f"/facilitator-placements/{pk}/end", {"ends_on": "2026-11-30"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2026-11-30"
    assert Placement.objects.get(pk=pk).ends_on == dt.date(2026, 11, 30)


def test_assignments(api, dinas, tpl_user, kudus_user, facilitator, ppu_dinas):
    centre = CentreFactory(name="Sentra Amplang Penajam", agency=ppu_dinas)
    kudus_centre = CentreFactory(name="Sentra Jenang Kudus", village_id="33.19.01.2001")
    url = "/facilitator-assignments"
    both = api(dinas, "post", url, {"facilitator_id": facilitator.pk, "starts_on": "2026-02-01"})
    assert both.status_code == 400 and both.json()["code"] == "target_required"
    unknown = api(
        dinas,
        "post",
        url,
        {"facilitator_id": facilitator.pk, "centre_id": kudus_centre.pk, "starts_on": "2026-02-01"},
    )
    assert unknown.status_code == 400 and unknown.json()["code"] in ("unknown_reference", "outside_placement")
    assert (
        api(
            tpl_user,
            "post",
            url,
            {"facilitator_id": facilitator.pk, "centre_id": centre.pk, "starts_on": "2026-02-01"},
        ).status_code
        == 403
    )
    created = api(
        dinas,
        "post",
        url,
        {"facilitator_id": facilitator.pk, "centre_id": centre.pk, "starts_on": "2026-02-01"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["centre"] == {"id": centre.pk, "name": "Sentra Amplang Penajam"}
    twice = api(
        dinas,
        "post",
        url,
        {"facilitator_id": facilitator.pk, "centre_id": centre.pk, "starts_on": "2026-03-01"},
    )
    assert twice.status_code == 400 and twice.json()["code"] == "already_assigned"
    pk = created.json()["id"]
    assert ids(api(tpl_user, "get", f"{url}?active=true")) == {pk}
    assert api(kudus_user, "get", f"{url}/{pk}").status_code == 404
    ended = api(dinas, "post", f"{url}/{pk}/end", {"ends_on": "2026-10-31"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2026-10-31"
    assert ids(api(dinas, "get", f"{url}?active=true")) == set()
    assert ids(api(dinas, "get", f"{url}?active=false&facilitator={facilitator.pk}")) == {pk}
    assert Assignment.objects.filter(pk=pk).exists()  # history kept


def test_a_role_without_the_area_is_refused(api, facilitator):
    council = persona(Role.DEKRANAS_OFFICER, region=PPU)
    assert api(council, "get", "/facilitators").status_code == 200  # reads
    assert api(council, "post", "/facilitators", _new()).status_code == 403


def test_web_and_api_read_one_filter_set(api, dinas, facilitator, contract, ppu_dinas):
    """The pages and the API take their filters from facilitators/filtersets.py: the same values give
    the same rows, and a value one refuses the other refuses too."""
    from sentra.api import facilitators as api_module
    from sentra.facilitators import filtersets
    from sentra.web.generic import RECORD_TYPES
    from sentra.web.views import facilitators as _pages  # noqa: F401 (registers the types)

    assert RECORD_TYPES["facilitator"].filter_set is filtersets.FACILITATOR_FILTERS
    assert RECORD_TYPES["facilitator_contract"].filter_set is filtersets.CONTRACT_FILTERS
    assert RECORD_TYPES["visit"].filter_set is filtersets.VISIT_FILTERS
    for schema, filter_set in (
        (api_module.FacilitatorFilters, filtersets.FACILITATOR_FILTERS),
        (api_module.ContractFilters, filtersets.CONTRACT_FILTERS),
    ):
        assert {f.name for f in filter_set.fields} <= set(schema.model_fields)
    later = FacilitatorFactory(name="Maria Goreti", agency=ppu_dinas)
    ContractFactory(
        facilitator=later,
        number="9.9.9 /IKM/KK/1/2027",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2027, 2, 28),
    )
    web = Client()
    web.force_login(dinas)
    page = web.get("/pendamping/kontrak/", {"berakhir": "60"}).content.decode()
    assert ids(api(dinas, "get", "/facilitator-contracts?expiring_within_days=60")) == {contract.pk}
    assert contract.number in page and "9.9.9 /IKM/KK/1/2027" not in page
    assert api(dinas, "get", "/facilitator-contracts?year=1999").status_code == 422
    assert "Paling kecil 2000." in web.get("/pendamping/kontrak/", {"tahun": "1999"}).content.decode()


def test_a_null_identity_number_keeps_the_stored_one(api, dinas, facilitator):
    Facilitator.objects.filter(pk=facilitator.pk).update(identity_number=NIK)
    done = api(dinas, "patch", f"/facilitators/{facilitator.pk}", {"identity_number": None, "phone": "0812"})
    assert done.status_code == 200 and NIK not in done.content.decode()
    facilitator.refresh_from_db()
    assert facilitator.identity_number == NIK and facilitator.phone == "0812"
