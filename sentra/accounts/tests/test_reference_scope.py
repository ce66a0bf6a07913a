"""Scope covers every reference (issue 12, point 5).

An id in a request body names a record as an id in a URL does, so it resolves through the one scope
rule (accounts.scope.resolve_reference): a regency officer naming a record of another region gets
exactly the answer of an id that does not exist, nothing is written, and nothing of that record shows
in the answer. A region a record works in (an activity's locations) must lie inside the actor's
region. "This NIB / activity code is used elsewhere" names nothing the caller may not read: an
activity code used only in another region reads as unknown; a NIB held outside the region is refused
with one answer that names no record, in services, API and imports.
"""

from __future__ import annotations

import json
import re

import pytest

from sentra.accounts.models import Role
from sentra.accounts.scope import (
    enclosing_codes,
    require_region_reference,
    resolve_reference,
    scoped_queryset,
    within_region_q,
)
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KALTIM, KUDUS, PPU, SALOLOANG
from sentra.core.errors import DomainError
from sentra.programmes.models import Activity, BudgetLine, Output, Programme, Realisation
from sentra.programmes.tests.factories import (
    YEAR,
    BudgetDocumentFactory,
    BudgetLineFactory,
)
from sentra.regions.models import Region
from sentra.registry.models import Centre, CentreMembership, Decree, Enterprise, Product
from sentra.registry.services import centre_update
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
KUDUS_VILLAGE = "33.19.01.2001"
MISSING = 987_654_321  # an id no table of the test holds


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency)


@pytest.fixture
def headers(officer):
    _token, key = token_create(user=officer, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def other_kaltim_regency() -> str:
    """A real regency of the officer's province other than theirs."""
    return (
        Region.objects.filter(level=Region.Level.REGENCY, code__startswith=KALTIM + ".")
        .exclude(code=PPU)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


@pytest.fixture
def world(regency_agency, kudus_agency):
    """The officer's own records in PPU and a twin of each in Kudus, whose names must never leak."""
    ours = {
        "enterprise": EnterpriseFactory(name="UD Amplang Penajam", agency=regency_agency),
        "centre": CentreFactory(name="Sentra Kelapa Penajam", agency=regency_agency),
        "decree": Decree.objects.create(
            kind="sk_bupati", number="518/176/2020", issued_on="2020-06-11", region_id=PPU
        ),
        "pergub": Decree.objects.create(
            kind="pergub", number="7/2021", issued_on="2021-03-01", region_id=KALTIM, title="Pergub Kaltim"
        ),
    }
    line = BudgetLineFactory(document=BudgetDocumentFactory(agency=regency_agency, kind="apbn"))
    ours.update(document=line.document, activity=line.activity, programme=line.activity.programme)
    ours["product"] = Product.objects.create(
        name="Amplang",
        enterprise=ours["enterprise"],
        village_id=SALOLOANG,
        province_code="64",
        regency_code=PPU,
        agency=regency_agency,
    )
    theirs_line = BudgetLineFactory(document=BudgetDocumentFactory(agency=kudus_agency, kind="apbn"))
    theirs = {
        "enterprise": EnterpriseFactory(
            name="UD Jenang Kudus Rahasia", village_id=KUDUS_VILLAGE, agency=kudus_agency
        ),
        "centre": CentreFactory(name="Sentra Jenang Rahasia", village_id=KUDUS_VILLAGE, agency=kudus_agency),
        "decree": Decree.objects.create(
            kind="sk_bupati",
            number="188/RAHASIA/2019",
            issued_on="2019-05-02",
            region_id=KUDUS,
            title="Penetapan Sentra Jenang Rahasia",
            signatory="Bupati Kudus",
        ),
        "neighbour_decree": Decree.objects.create(
            kind="sk_walikota",
            number="500/RAHASIA/2022",
            issued_on="2022-01-03",
            region_id=other_kaltim_regency(),
            title="Penetapan Sentra Tetangga Rahasia",
        ),
        "activity": theirs_line.activity,
        "programme": theirs_line.activity.programme,
    }
    theirs["activity"].name = "Bimtek Rahasia Kudus"
    theirs["activity"].save()
    return {"ours": ours, "theirs": theirs}


def send(client, method, path, payload, headers):
    return getattr(client, method)(path, data=json.dumps(payload), content_type="application/json", **headers)


def written() -> tuple:
    """Everything a refused request could have written."""
    return (
        AuditEvent.objects.count(),
        Centre.objects.count(),
        CentreMembership.objects.count(),
        Product.objects.count(),
        Programme.objects.count(),
        Activity.objects.count(),
        Activity.centres.through.objects.count(),
        Activity.enterprises.through.objects.count(),
        Activity.locations.through.objects.count(),
        Output.objects.count(),
        BudgetLine.objects.count(),
        Realisation.objects.count(),
        list(Centre.objects.order_by("pk").values_list("decree_id", flat=True)),
        list(Product.objects.order_by("pk").values_list("enterprise_id", "centre_id")),
    )


# --- the helpers ------------------------------------------------------------------------------------


def test_an_out_of_scope_id_is_answered_as_an_unknown_one(world, officer):
    actor = actor_of(officer)
    kudus = world["theirs"]["enterprise"]
    with pytest.raises(DomainError) as outside:
        resolve_reference(actor, Enterprise, kudus.pk, field="enterprise_id")
    with pytest.raises(DomainError) as unknown:
        resolve_reference(actor, Enterprise, MISSING, field="enterprise_id")
    assert outside.value.code == unknown.value.code == "unknown_reference"
    assert outside.value.message == unknown.value.message
    assert [(e.field, e.code) for e in outside.value.errors] == [("enterprise_id", "unknown")]
    assert outside.value.errors[0].message.replace(str(kudus.pk), "ID") == unknown.value.errors[
        0
    ].message.replace(str(MISSING), "ID")
    ours = world["ours"]["enterprise"]
    assert resolve_reference(actor, Enterprise, ours.pk, field="enterprise_id") == ours
    assert resolve_reference(actor, Enterprise, None, field="enterprise_id") is None


def test_scoped_querysets_read_as_the_selectors_read(world, officer):
    actor = actor_of(officer)
    ours = world["ours"]
    assert set(scoped_queryset(actor, Enterprise)) == {ours["enterprise"]}
    assert set(scoped_queryset(actor, Centre.objects.all())) == {ours["centre"]}
    assert set(scoped_queryset(actor, Activity)) == {ours["activity"]}
    assert set(scoped_queryset(actor, Programme)) == {ours["programme"]}
    # A decree is placed at the region that issued it: the officer's regency and what lies in it,
    # and with `enclosing` the acts of the regions around it (their governor's), nothing else.
    assert set(scoped_queryset(actor, Decree)) == {ours["decree"]}
    assert set(scoped_queryset(actor, Decree, enclosing=True)) == {ours["decree"], ours["pergub"]}
    national = actor_of(persona(Role.MINISTRY_ADMIN))
    assert scoped_queryset(national, Decree).count() == 4
    with pytest.raises(TypeError):
        scoped_queryset(actor, Output)  # a model the rule knows nothing of is not guessed


def test_region_codes_are_hierarchical():
    assert enclosing_codes("64.09.01.1002") == ["64", "64.09", "64.09.01"]
    assert enclosing_codes("64") == [] and enclosing_codes(None) == []


def test_within_region_q_refuses_the_anonymous(officer):
    from sentra.accounts.scope import ANONYMOUS

    assert not Decree.objects.filter(within_region_q(ANONYMOUS, "region_id")).exists()


def test_a_region_reference_must_lie_inside_the_actor_region(officer):
    actor = actor_of(officer)
    require_region_reference(actor, [PPU, SALOLOANG], field="locations")
    with pytest.raises(DomainError) as refused:
        require_region_reference(actor, [SALOLOANG, KUDUS_VILLAGE, KALTIM], field="locations")
    assert refused.value.code == "out_of_scope"
    assert [(e.field, e.code) for e in refused.value.errors] == [("locations", "out_of_scope")]
    assert KUDUS_VILLAGE in refused.value.message and KALTIM in refused.value.message
    require_region_reference(actor, [KUDUS_VILLAGE], field="locations", keep=[KUDUS_VILLAGE])


# --- every id a body names, through the API ----------------------------------------------------------


def _centre_in(**extra):
    return {"name": "Sentra Baru", "commodity": "Amplang", "kbli": "10794", "villages": [SALOLOANG], **extra}


def _activity_in(world, **extra):
    return {
        "programme_id": world["ours"]["programme"].pk,
        "code": "5305.777",
        "name": "Pelatihan",
        "kind": "training",
        "funding_source": "apbn",
        **extra,
    }


# (name, kind of the foreign record, method, path, payload for an id)
BODY_IDS = [
    ("centre-create-decree", "decree", "post", lambda w: "/centres", lambda w, i: _centre_in(decree_id=i)),
    (
        "centre-patch-decree",
        "decree",
        "patch",
        lambda w: f"/centres/{w['ours']['centre'].pk}",
        lambda w, i: {"decree_id": i},
    ),
    (
        "centre-put-decree",
        "decree",
        "put",
        lambda w: f"/centres/{w['ours']['centre'].pk}",
        lambda w, i: _centre_in(decree_id=i),
    ),
    (
        "centre-patch-neighbour-decree",
        "neighbour_decree",
        "patch",
        lambda w: f"/centres/{w['ours']['centre'].pk}",
        lambda w, i: {"decree_id": i},
    ),
    (
        "centre-create-members",
        "enterprise",
        "post",
        lambda w: "/centres",
        lambda w, i: _centre_in(members=[i]),
    ),
    (
        "centre-patch-members",
        "enterprise",
        "patch",
        lambda w: f"/centres/{w['ours']['centre'].pk}",
        lambda w, i: {"members": [w["ours"]["enterprise"].pk, i]},
    ),
    (
        "product-create-enterprise",
        "enterprise",
        "post",
        lambda w: "/products",
        lambda w, i: {"name": "Jenang", "enterprise_id": i},
    ),
    (
        "product-create-centre",
        "centre",
        "post",
        lambda w: "/products",
        lambda w, i: {"name": "Jenang", "centre_id": i},
    ),
    (
        "product-patch-centre",
        "centre",
        "patch",
        lambda w: f"/products/{w['ours']['product'].pk}",
        lambda w, i: {"centre_id": i},
    ),
    (
        "activity-create-programme",
        "programme",
        "post",
        lambda w: "/activities",
        lambda w, i: _activity_in(w, programme_id=i),
    ),
    (
        "activity-create-centres",
        "centre",
        "post",
        lambda w: "/activities",
        lambda w, i: _activity_in(w, centres=[i]),
    ),
    (
        "activity-create-enterprises",
        "enterprise",
        "post",
        lambda w: "/activities",
        lambda w, i: _activity_in(w, enterprises=[i]),
    ),
    (
        "activity-patch-enterprises",
        "enterprise",
        "patch",
        lambda w: f"/activities/{w['ours']['activity'].pk}",
        lambda w, i: {"enterprises": [i]},
    ),
    (
        "budget-line-activity",
        "activity",
        "post",
        lambda w: f"/budgets/{w['ours']['document'].pk}/lines",
        lambda w, i: {"activity_id": i, "account_group": "52", "amount": 1_000_000},
    ),
    (
        "budget-revision-activity",
        "activity",
        "post",
        lambda w: f"/budgets/{w['ours']['document'].pk}/revisions",
        lambda w, i: {
            "revision_number": "REV-1",
            "revised_on": f"{YEAR}-06-01",
            "lines": [{"activity_id": i, "account_group": "52", "amount": 1_000_000}],
        },
    ),
    (
        "realisation-activity",
        "activity",
        "post",
        lambda w: "/realisations",
        lambda w, i: {"activity_id": i, "month": 3, "amount": 1_000, "physical_progress": 10},
    ),
]


def _normalised(response, pk: int) -> tuple[int, str]:
    return response.status_code, re.sub(rf"\b{pk}\b", "ID", response.content.decode())


@pytest.mark.parametrize(
    ("kind", "method", "path", "payload"),
    [pytest.param(*case[1:], id=case[0]) for case in BODY_IDS],
)
def test_a_body_id_outside_the_region_is_answered_as_an_unknown_id(
    client, world, headers, kind, method, path, payload
):
    foreign = world["theirs"][kind]
    before = written()
    outside = send(client, method, API + path(world), payload(world, foreign.pk), headers)
    assert written() == before, "an out-of-scope reference wrote something"
    unknown = send(client, method, API + path(world), payload(world, MISSING), headers)
    assert written() == before
    assert outside.status_code == 400, outside.content[:300]
    assert _normalised(outside, foreign.pk) == _normalised(unknown, MISSING)
    body = outside.content.decode()
    for secret in ("Rahasia", "RAHASIA", "Kudus", KUDUS):
        assert secret not in body, secret


def test_a_centre_keeps_a_decree_set_by_the_ministry_and_may_name_its_governors(client, world, headers):
    """Sending back what was read is no new reference; a Pergub of the officer's own province applies
    to their regency."""
    ours, theirs = world["ours"], world["theirs"]
    Centre.objects.filter(pk=ours["centre"].pk).update(decree=theirs["neighbour_decree"])
    read = client.get(f"{API}/centres/{ours['centre'].pk}", **headers).json()
    response = send(
        client, "patch", f"{API}/centres/{ours['centre'].pk}", {"decree_id": read["decree"]["id"]}, headers
    )
    assert response.status_code == 200, response.content[:300]
    response = send(
        client, "patch", f"{API}/centres/{ours['centre'].pk}", {"decree_id": ours["pergub"].pk}, headers
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["decree"]["number"] == "7/2021"


def test_the_centre_service_itself_refuses_a_decree_of_another_region(world, officer):
    """The rule lives in the service, whatever layer calls it."""
    centre = world["ours"]["centre"]
    with pytest.raises(DomainError) as refused:
        centre_update(actor=actor_of(officer), centre=centre, decree=world["theirs"]["decree"])
    assert refused.value.code == "unknown_reference"
    centre.refresh_from_db()
    assert centre.decree_id is None


# --- region references: an activity's locations ------------------------------------------------------


@pytest.mark.parametrize("location", [KUDUS, KUDUS_VILLAGE, KALTIM], ids=["regency", "village", "province"])
def test_an_activity_location_outside_the_region_is_refused_and_nothing_written(
    client, world, headers, location
):
    before = written()
    created = send(client, "post", f"{API}/activities", _activity_in(world, locations=[location]), headers)
    assert created.status_code == 400, created.content[:300]
    assert created.json()["code"] == "out_of_scope"
    assert created.json()["errors"][0]["field"] == "locations"
    activity = world["ours"]["activity"]
    changed = send(client, "patch", f"{API}/activities/{activity.pk}", {"locations": [location]}, headers)
    assert changed.status_code == 400 and changed.json()["code"] == "out_of_scope"
    assert written() == before


def test_an_activity_location_inside_the_region_is_kept(client, world, headers):
    activity = world["ours"]["activity"]
    response = send(
        client, "patch", f"{API}/activities/{activity.pk}", {"locations": [PPU, SALOLOANG]}, headers
    )
    assert response.status_code == 200, response.content[:300]
    assert sorted(r["code"] for r in response.json()["locations"]) == [PPU, SALOLOANG]
    # Locations the ministry set outside stay when the officer sends them back unchanged.
    activity.locations.add(KUDUS)
    response = send(client, "patch", f"{API}/activities/{activity.pk}", {"locations": [PPU, KUDUS]}, headers)
    assert response.status_code == 200, response.content[:300]


def test_the_activity_form_refuses_a_location_outside_the_region(client, world, officer):
    from django.urls import reverse

    activity = world["ours"]["activity"]
    client.force_login(officer)
    response = client.post(
        reverse("web:activity_edit", args=[activity.pk]),
        {
            "programme": activity.programme_id,
            "code": activity.code,
            "name": activity.name,
            "kind": activity.kind,
            "funding_source": activity.funding_source,
            "location_codes": f"{PPU}, {KUDUS}",
        },
    )
    assert response.status_code == 200  # the form again, with the error on its field
    assert "luar wilayah kerja Anda" in response.content.decode()
    assert not activity.locations.exists()


# --- "this NIB / code exists elsewhere" ---------------------------------------------------------------


def test_a_nib_held_in_another_region_is_another_unit_and_names_nothing_of_it(client, world, headers):
    """Issue 13 point 4: a unit is NIB + KBLI + village, so a NIB held in Kudus takes a unit in PPU
    (the same business actor's); the answer names nothing of the Kudus unit. The same unit twice is
    refused, and that unit lies in the caller's own village: naming it leaks nothing."""
    payload = {"name": "UD Baru", "village": SALOLOANG, "kbli": "10794"}
    theirs = send(
        client, "post", f"{API}/enterprises", {**payload, "nib": world["theirs"]["enterprise"].nib}, headers
    )
    assert theirs.status_code == 201, theirs.content
    for secret in ("Rahasia", "Kudus", KUDUS):
        assert secret not in theirs.content.decode()
    ours = send(
        client, "post", f"{API}/enterprises", {**payload, "nib": world["ours"]["enterprise"].nib}, headers
    )
    assert ours.status_code == 400 and ours.json()["code"] == "unit_exists"


def _import_enterprises(tmp_path, actor, *rows, commit=True):
    from sentra.registry.imports import import_enterprises

    path = tmp_path / "ikm.csv"
    path.write_text("\n".join(["nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi", *rows]) + "\n")
    return import_enterprises(actor=actor, path=path, commit=commit)


def test_an_import_row_with_a_nib_held_outside_the_region_names_nothing_of_it(tmp_path, world, officer):
    """A new unit of that NIB in the officer's region: created, with no warning naming the Kudus unit."""
    theirs = world["theirs"]["enterprise"]
    report = _import_enterprises(
        tmp_path, actor_of(officer), f"UD Baru,{theirs.nib},10794,{SALOLOANG},4,1000"
    )
    assert report.ok and report.committed and report.created == 1
    assert report.warnings == []
    theirs.refresh_from_db()
    assert theirs.name == "UD Jenang Kudus Rahasia"


def test_a_unit_taken_during_the_import_names_nothing_of_the_record(tmp_path, world, officer, monkeypatch):
    """Someone registers the very unit (NIB, KBLI, village) while the import runs: refused as taken,
    naming no record, and nothing is written."""
    from sentra.registry.imports import EnterpriseSchema

    nib = "9129990000001"
    write_batch = EnterpriseSchema.write_batch

    def someone_else_saves_first(self, batch, report):
        EnterpriseFactory(nib=nib, name="UD Rahasia Penajam", village_id=SALOLOANG, kbli_id="10794")
        write_batch(self, batch, report)

    monkeypatch.setattr(EnterpriseSchema, "write_batch", someone_else_saves_first)
    during = _import_enterprises(tmp_path, actor_of(officer), f"UD Baru,{nib},10794,{SALOLOANG},4,1000")
    monkeypatch.undo()
    assert not Enterprise.objects.filter(nib=nib).exists()  # undone with the import
    [error] = during.errors
    assert (error.row, error.code, error.value) == (2, "nib_taken", nib) and not during.committed
    assert "Rahasia" not in error.message


REALISATION_HEADER = (
    "Tahun anggaran,Kode kegiatan,Bulan,Realisasi (Rp),Progres fisik (%),Capaian keluaran,Kendala"
)
BENEFICIARY_HEADER = "tahun_anggaran,kode_kegiatan,nib,id_sentra,nama_sentra,kode_wilayah"


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("realisation", REALISATION_HEADER, "{year},{code},Maret,1000,10,,"),
        ("beneficiaries", BENEFICIARY_HEADER, "{year},{code},{nib},,,"),
    ],
    ids=["realisation", "beneficiaries"],
)
def test_an_activity_code_used_only_in_another_region_reads_as_unknown(
    tmp_path, world, officer, kind, header, row
):
    from sentra.core.import_kinds import import_file

    actor = actor_of(officer)
    theirs = world["theirs"]["activity"]
    nib = world["ours"]["enterprise"].nib

    def report_for(code):
        path = tmp_path / f"{kind}-{code}.csv"
        path.write_text(f"{header}\n{row.format(year=YEAR, code=code, nib=nib)}\n", encoding="utf-8")
        return import_file(kind=kind, path=path, actor=actor)

    outside = report_for(theirs.code)
    unknown = report_for("9999.999")
    assert [e.code for e in outside.errors] == ["unknown_activity"]
    assert [(e.column, e.code, e.message.replace(theirs.code, "KODE")) for e in outside.errors] == [
        (e.column, e.code, e.message.replace("9999.999", "KODE")) for e in unknown.errors
    ]
    assert "Rahasia" not in outside.errors[0].message and "luar wilayah" not in outside.errors[0].message


def test_a_ministry_importer_still_finds_every_region_activity(tmp_path, world):
    from sentra.core.import_kinds import import_file

    theirs = world["theirs"]["activity"]
    path = tmp_path / "r.csv"
    path.write_text(f"{REALISATION_HEADER}\n{YEAR},{theirs.code},Maret,1000,10,,\n", encoding="utf-8")
    report = import_file(kind="realisation", path=path, actor=actor_of(persona(Role.MINISTRY_ADMIN)))
    assert report.errors == [] or all(e.code != "unknown_activity" for e in report.errors)
