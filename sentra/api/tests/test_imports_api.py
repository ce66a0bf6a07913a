"""The import API: templates, dry run and commit in the request, background jobs, errors CSV."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.core.jobs import wait_for_jobs
from sentra.core.models import Job
from sentra.registry.models import Enterprise

API = "/api/v1/imports"
GOOD = (
    "nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi\n"
    "UD Amplang,9120001234567,10794,64.09.01.1001,4,50000000\n"
    "CV Kerupuk,9120001234568,10794,64.09.01.1002,25,2000000000\n"
)
BAD = "nama_usaha,nib,kbli,kode_wilayah\nUD Amplang,123,10794,64.09.01.1001\n"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates(auth_client, fmt):
    response = auth_client.get(f"{API}/templates/enterprises.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet["A1"].value == "nama_usaha"
    else:
        assert response.content.decode("utf-8-sig").splitlines()[-1].startswith("nama_usaha,")
    assert auth_client.get(f"{API}/templates/kapal.xlsx").status_code == 404


def test_login_required(client):
    assert client.post(f"{API}/enterprises", {"file": upload("a.csv", GOOD)}).status_code == 401


def test_dry_run_then_commit(auth_client, ministry_agency):
    response = auth_client.post(f"{API}/enterprises", {"file": upload("a.csv", GOOD)})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "succeeded" and body["report"]["ok"] and body["report"]["rows_total"] == 2
    assert not body["report"]["committed"] and Enterprise.objects.count() == 0
    response = auth_client.post(f"{API}/enterprises?commit=true", {"file": upload("a.csv", GOOD)})
    assert response.json()["report"]["created"] == 2 and Enterprise.objects.count() == 2
    again = auth_client.post(f"{API}/enterprises?commit=true", {"file": upload("a.csv", GOOD)}).json()
    # The same file again: both rows match their records and change nothing, so nothing is written.
    report = again["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)


def test_errors_are_listed_and_downloadable(auth_client, ministry_agency):
    body = auth_client.post(f"{API}/enterprises?commit=true", {"file": upload("a.csv", BAD)}).json()
    assert body["report"]["errors"] == [
        {
            "row": 2,
            "column": "nib",
            "value": "123",
            "code": "nib_format",
            "message": "NIB harus terdiri dari 13 angka.",
        }
    ]
    assert Enterprise.objects.count() == 0
    csv_response = auth_client.get(f"{API}/jobs/{body['id']}/errors.csv")
    assert csv_response.status_code == 200
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "jenis,baris,kolom,nilai,kode,keterangan",
        "galat,2,nib,123,nib_format,NIB harus terdiri dari 13 angka.",
    ]


def test_unknown_kind_and_bad_file(auth_client):
    assert auth_client.post(f"{API}/kapal", {"file": upload("a.csv", GOOD)}).status_code == 404
    body = auth_client.post(f"{API}/enterprises", {"file": upload("a.pdf", "%PDF-1.4\x00")}).json()
    assert [e["code"] for e in body["report"]["errors"]] == ["file_type"]


def test_other_users_jobs_are_hidden(auth_client, django_user_model, client):
    body = auth_client.post(f"{API}/enterprises", {"file": upload("a.csv", GOOD)}).json()
    other = django_user_model.objects.create_user(username="lain", password="rahasia-sekali-456")
    client.force_login(other)
    assert client.get(f"{API}/jobs/{body['id']}").status_code == 404


@pytest.mark.django_db(
    transaction=True,
    available_apps=[
        "sentra.core",
        "sentra.accounts",
        "sentra.audit",
        "sentra.agencies",
        "sentra.registry",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
    ],
)
def test_large_file_becomes_a_background_job(client, settings):
    settings.SENTRA_BROKER_URL = ""
    settings.SENTRA_IMPORT_BACKGROUND_BYTES = 10
    user = persona(Role.MINISTRY_ADMIN, username="besar")
    client.force_login(user)
    response = client.post(f"{API}/enterprises?commit=true", {"file": upload("a.csv", GOOD)})
    assert response.status_code == 202
    job_id = response.json()["id"]
    wait_for_jobs(timeout=60)
    body = client.get(f"{API}/jobs/{job_id}").json()
    assert body["status"] == "succeeded" and body["finished"] and body["percent"] == 100
    assert body["report"]["created"] == 2 and body["report"]["committed"]
    assert Enterprise.objects.count() == 2
    # The stored upload is deleted once imported.
    assert not Path(Job.objects.get(pk=job_id).params["path"]).exists()


def test_openapi_lists_the_import_endpoints(auth_client):
    paths = auth_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/imports/{kind}" in paths and "/api/v1/imports/jobs/{job_id}" in paths
