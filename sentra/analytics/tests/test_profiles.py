"""Province and regency profile (issue 17 §5): each block's figures from constructed data, scope,
errors, the PDF annex's text, the web page and a bounded number of queries."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import profiles
from sentra.analytics.aggregates import rebuild_rollups
from sentra.analytics.models import KbliCount
from sentra.analytics.profile_pdf import profile_pdf
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.core.errors import DomainError, NotFound
from sentra.regions.models import Kbli
from sentra.registry.models import CentreMembership
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def count(village: str, kbli: str, enterprises: int):
    parts = village.split(".")
    row = KbliCount.objects.create(
        village_code=village,
        district_code=".".join(parts[:3]),
        regency_code=".".join(parts[:2]),
        province_code=parts[0],
        kbli=kbli,
        enterprises=enterprises,
    )
    rebuild_rollups([village])  # as the registry's writes keep them
    return row


@pytest.fixture
def weaving_kbli(db):
    return Kbli.objects.filter(level=5, code__startswith="13").order_by("code").first().code


@pytest.fixture
def ministry(ministry_agency):
    return actor_of(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))


def test_leading_commodities_ranked_by_lq(ministry):
    count(SALOLOANG, "10794", 40)
    count(SALOLOANG, "10421", 5)
    count(KUDUS_VILLAGE, "10421", 100)
    p = profiles.region_profile(actor=ministry, code=PPU)
    # LQ 10794 = (40/45)/(40/145) = 3.22; 10421 = (5/45)/(105/145) = 0.15
    assert [item.kbli for item in p.leading.items] == ["10794", "10421"]
    assert p.leading.items[0].lq_nation == pytest.approx((40 / 45) / (40 / 145), rel=1e-3)


def test_centres_by_status_kbli_and_largest(ministry, regency_agency, weaving_kbli):
    big = CentreFactory(agency=regency_agency, status="designated", name="Sentra Amplang Besar")
    CentreFactory(agency=regency_agency, status="designated")
    CentreFactory(agency=regency_agency, status="proposed", kbli_id=weaving_kbli)
    CentreFactory(agency=regency_agency, status="inactive")
    CentreFactory(agency=regency_agency, status="designated", village_id=KUDUS_VILLAGE)  # another regency
    for _n in range(3):
        CentreMembership.objects.create(centre=big, enterprise=EnterpriseFactory(agency=regency_agency))
    block = profiles.region_profile(actor=ministry, code=PPU).centres
    assert block.total == 4 and block.active == 3
    statuses = {row.key: row.count for row in block.by_status}
    assert statuses["designated"] == 2 and statuses["proposed"] == 1 and statuses["inactive"] == 1
    assert [(row.key, row.count) for row in block.by_kbli] == [("10", 2), (weaving_kbli[:2], 1)]
    assert block.largest[0]["name"] == "Sentra Amplang Besar" and block.largest[0]["member_count"] == 3
    assert len(block.largest) == 3  # the inactive one is not listed
    # the province holds the regency's centres
    assert profiles.region_profile(actor=ministry, code="64").centres.total == 4


def test_spending_and_absorption_by_commodity_of_the_beneficiaries(ministry, regency_agency, weaving_kbli):
    from sentra.programmes.tests.factories import (
        ActivityFactory,
        BudgetDocumentFactory,
        BudgetLineFactory,
        RealisationFactory,
    )

    document = BudgetDocumentFactory(agency=regency_agency)

    training = ActivityFactory(agency=regency_agency)
    # one centre of KBLI 10, two IKM of the weaving KBLI: the weaving KBLI's 2 digits win
    training.centres.add(CentreFactory(agency=regency_agency))
    for _n in range(2):
        training.enterprises.add(EnterpriseFactory(agency=regency_agency, kbli_id=weaving_kbli))
    BudgetLineFactory(activity=training, document=document, amount=100_000_000, blocked=10_000_000)
    RealisationFactory(activity=training, month=3, amount=45_000_000)
    bare = ActivityFactory(agency=regency_agency)
    BudgetLineFactory(activity=bare, document=document, amount=50_000_000)
    other = ActivityFactory(agency=AgencyFactory(region_id=KUDUS))  # another regency: not counted
    BudgetLineFactory(activity=other, document__agency=other.agency, amount=70_000_000)

    s = profiles.region_profile(actor=ministry, code=PPU, fiscal_year=2026).spending
    assert s.fiscal_year == 2026 and s.month == 11
    rows = {r.kbli: r for r in s.rows}
    assert set(rows) == {weaving_kbli[:2], ""}
    weaving = rows[weaving_kbli[:2]]
    assert (weaving.activities, weaving.pagu, weaving.blocked, weaving.realised) == (
        1,
        100_000_000,
        10_000_000,
        45_000_000,
    )
    assert weaving.absorption == 50.0  # 45 / (100 − 10)
    assert rows[""].pagu == 50_000_000 and rows[""].absorption == 0.0
    assert s.rows[-1].kbli == ""  # without beneficiaries last
    assert (s.total.activities, s.total.pagu, s.total.realised) == (2, 150_000_000, 45_000_000)


def test_open_follow_ups_and_overdue(ministry, regency_agency, kudus_agency):
    from sentra.coordination.tests.factories import FollowUpFactory

    FollowUpFactory(
        agency=regency_agency, due_on=dt.date(2026, 12, 15), description="Pelatihan lanjutan tenun"
    )
    FollowUpFactory(
        agency=regency_agency, due_on=dt.date(2026, 10, 1), status="in_progress", description="Data sentra"
    )
    FollowUpFactory(agency=regency_agency, due_on=dt.date(2026, 9, 1), status="done")
    FollowUpFactory(agency=kudus_agency, due_on=dt.date(2026, 9, 1))
    f = profiles.region_profile(actor=ministry, code=PPU).follow_ups
    assert (f.open, f.overdue) == (2, 1)
    assert [item.description for item in f.items] == ["Data sentra", "Pelatihan lanjutan tenun"]


def test_coverage_block_present(ministry):
    p = profiles.region_profile(actor=ministry, code=PPU)
    assert p.coverage is not None and p.coverage.facilitators == 0


def test_scope_other_province_is_not_found(kudus_agency, kaltim_agency):
    kudus = actor_of(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    with pytest.raises(NotFound):
        profiles.region_profile(actor=kudus, code=PPU)
    with pytest.raises(NotFound):
        profiles.region_profile(actor=kudus, code="64")
    province = actor_of(persona(Role.PROVINCE_OFFICER, agency=kaltim_agency))
    assert profiles.region_profile(actor=province, code=PPU).region.code == PPU
    assert [r.code for r in profiles.profile_regions(actor=kudus)] == [KUDUS]


def test_errors_have_codes(ministry):
    with pytest.raises(DomainError) as unknown:
        profiles.region_profile(actor=ministry, code="99.99")
    assert unknown.value.code == "unknown_region"
    with pytest.raises(DomainError) as district:
        profiles.region_profile(actor=ministry, code="64.09.01")
    assert district.value.code == "profile_level"


def _pdf_text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "profil.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_annex_carries_every_block(ministry, regency_agency, tmp_path):
    from sentra.coordination.tests.factories import FollowUpFactory

    count(SALOLOANG, "10794", 40)
    CentreFactory(agency=regency_agency, status="designated", name="Sentra Amplang Saloloang")
    FollowUpFactory(agency=regency_agency, description="Sinkronisasi pelatihan amplang")
    data = profile_pdf(profiles.region_profile(actor=ministry, code=PPU))
    assert data.startswith(b"%PDF")
    text = " ".join(_pdf_text(data, tmp_path).split())
    for expected in (
        "Profil Kabupaten Penajam Paser Utara",
        "Komoditas unggulan",
        "10794",
        "Sentra Amplang Saloloang",
        "Belanja program dan penyerapan",
        "Cakupan pendamping",
        "Sinkronisasi pelatihan amplang",
    ):
        assert expected.lower() in text.lower(), expected


def test_web_page_pdf_errors_and_scope(client, ministry_agency, kudus_agency, regency_agency):
    user = persona(Role.MINISTRY_ADMIN, agency=ministry_agency)
    client.force_login(user)
    CentreFactory(agency=regency_agency, status="designated", name="Sentra Amplang Saloloang")
    url = reverse("web:analytics_profile", args=[PPU])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sentra Amplang Saloloang" in body and "LQ &gt; 1" in body
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    bad = client.get(reverse("web:analytics_profile", args=["99.99"]))
    assert bad.status_code == 400 and b"unknown_region" in bad.content
    assert client.get(reverse("web:analytics_profile_index")).status_code == 200
    client.force_login(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert client.get(url).status_code == 404


def test_web_page_queries_are_bounded(client, ministry_agency, regency_agency, django_assert_max_num_queries):
    from sentra.coordination.tests.factories import FollowUpFactory
    from sentra.programmes.tests.factories import ActivityFactory, BudgetDocumentFactory, BudgetLineFactory

    document = BudgetDocumentFactory(agency=regency_agency)
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
    count(SALOLOANG, "10794", 40)
    for n in range(6):
        centre = CentreFactory(agency=regency_agency, status="designated")
        activity = ActivityFactory(agency=regency_agency)
        activity.centres.add(centre)
        BudgetLineFactory(activity=activity, document=document, amount=10_000_000 * (n + 1))
        FollowUpFactory(agency=regency_agency)
    url = reverse("web:analytics_profile", args=[PPU])
    with django_assert_max_num_queries(45) as captured:
        assert client.get(url).status_code == 200
    first = len(captured)
    for _n in range(6):
        FollowUpFactory(agency=regency_agency)
        CentreFactory(agency=regency_agency, status="designated")
    with django_assert_max_num_queries(first):
        client.get(url)
