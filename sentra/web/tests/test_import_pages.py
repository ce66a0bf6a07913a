"""Import pages: login, upload with dry run and import, the report table, errors CSV, htmx progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.core.jobs import wait_for_jobs
from sentra.core.models import Job
from sentra.registry.models import Centre, Enterprise
from sentra.registry.tests.factories import EnterpriseFactory

GOOD = (
    "Nama Usaha;NIB;KBLI;Kode Wilayah\n"
    "UD Amplang;9120001234567;10794;64.09.01.1001\n"
    "CV Kerupuk;9120001234568;10794;64.09.01.1002\n"
)
BAD = "nama_usaha,kbli,kode_wilayah\nUD Amplang,99999,64.09.01.1001\n,10794,64.09.01.1001\n"


def csv_file(text: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_login_required(client):
    response = client.get(reverse("web:import_upload"))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_upload_page_offers_kinds_buttons_and_templates(auth_client):
    html = auth_client.get(reverse("web:import_upload")).content.decode()
    for text in ("Periksa (uji coba)", "Impor", "Sentra IKM", 'enctype="multipart/form-data"'):
        assert text in html
    assert reverse("web:import_template", kwargs={"kind": "centres", "fmt": "xlsx"}) in html


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_download(auth_client, fmt):
    response = auth_client.get(reverse("web:import_template", kwargs={"kind": "enterprises", "fmt": fmt}))
    assert response.status_code == 200 and "templat-enterprises" in response["Content-Disposition"]
    assert auth_client.get("/impor/templat/kapal.xlsx").status_code == 404


def test_dry_run_then_import(auth_client, ministry_agency):
    response = auth_client.post(
        reverse("web:import_upload"),
        {"kind": "enterprises", "file": csv_file(GOOD), "action": "check"},
        follow=True,
    )
    html = response.content.decode()
    assert "2 baris diperiksa tanpa galat" in html and Enterprise.objects.count() == 0
    response = auth_client.post(
        reverse("web:import_upload"),
        {"kind": "enterprises", "file": csv_file(GOOD), "action": "commit"},
        follow=True,
    )
    assert "2 baris diimpor: 2 baru, 0 diperbarui." in response.content.decode()
    assert Enterprise.objects.count() == 2


def test_errors_table_and_csv(auth_client, ministry_agency):
    response = auth_client.post(
        reverse("web:import_upload"),
        {"kind": "enterprises", "file": csv_file(BAD), "action": "commit"},
        follow=True,
    )
    html = response.content.decode()
    assert "Ditemukan 2 galat; tidak ada data yang disimpan." in html
    for text in ("Baris", "Kolom", "Nilai", "Kode", "Keterangan", "unknown_kbli", "99999", "required"):
        assert text in html
    assert Enterprise.objects.count() == 0
    job = Job.objects.get()
    csv_text = auth_client.get(reverse("web:import_job_errors", kwargs={"job_id": job.pk})).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[1:] == [
        "galat,2,kbli,99999,unknown_kbli,Kode KBLI 2020 5 digit 99999 tidak dikenal.",
        "galat,3,nama_usaha,,required,Nama usaha wajib diisi.",
    ]


def test_centre_warning_does_not_block(auth_client, ministry_agency):
    EnterpriseFactory(nib="9120001234567")
    text = (
        "nama_sentra,komoditas,kbli,kode_wilayah,nib_anggota\n"
        "Sentra Amplang,Amplang,10794,64.09.01.1001,9120001234567\n"
    )
    response = auth_client.post(
        reverse("web:import_upload"),
        {"kind": "centres", "file": csv_file(text), "action": "commit"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 peringatan" in html and "few_members" in html and 'class="alert alert-warning"' in html
    assert Centre.objects.count() == 1


def test_form_errors_without_a_file(auth_client):
    response = auth_client.post(reverse("web:import_upload"), {"kind": "enterprises", "action": "check"})
    assert response.status_code == 200 and "alert alert-error" in response.content.decode()


def test_someone_elses_job_is_404(auth_client, django_user_model):
    other = django_user_model.objects.create_user(username="lain", password="rahasia-sekali-456")
    job = Job.objects.create(kind="import_enterprises", created_by=other, params={"kind": "enterprises"})
    assert auth_client.get(reverse("web:import_job", kwargs={"job_id": job.pk})).status_code == 404


def test_running_job_polls_with_htmx_and_stops_when_done(auth_client, user):
    job = Job.objects.create(
        kind="import_enterprises",
        created_by=user,
        status=Job.Status.RUNNING,
        progress=50,
        total=200,
        params={"kind": "enterprises", "commit": True},
    )
    url = reverse("web:import_job", kwargs={"job_id": job.pk})
    html = auth_client.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html and 'value="25"' in html
    fragment = auth_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'hx-trigger="every 1s"' in fragment
    job.status, job.result = (
        Job.Status.SUCCEEDED,
        {
            "kind": "enterprises",
            "rows_total": 200,
            "created": 200,
            "updated": 0,
            "committed": True,
            "ok": True,
            "error_count": 0,
            "warning_count": 0,
            "errors": [],
            "warnings": [],
        },
    )
    job.save()
    fragment = auth_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "200 baris diimpor" in fragment


# Flushed after the test: everything but the reference data (regions, KBLI) loaded once per session.
BACKGROUND_APPS = [
    "sentra.core",
    "sentra.accounts",
    "sentra.audit",
    "sentra.agencies",
    "sentra.registry",
    "sentra.web",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
]


@pytest.mark.django_db(transaction=True, available_apps=BACKGROUND_APPS)
def test_large_upload_runs_in_the_background(client, settings):
    settings.SENTRA_BROKER_URL = ""
    settings.SENTRA_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(persona(Role.MINISTRY_ADMIN, username="besar"))
    response = client.post(
        reverse("web:import_upload"), {"kind": "enterprises", "file": csv_file(GOOD), "action": "commit"}
    )
    assert response.status_code == 302
    wait_for_jobs(timeout=60)
    html = client.get(response["Location"]).content.decode()
    assert "2 baris diimpor: 2 baru, 0 diperbarui." in html
    assert Enterprise.objects.count() == 2
