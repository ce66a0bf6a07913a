"""Import after a clean dry run, in one click (issue 14 section 3): the checked upload is kept and
committed as it is (same stored file, every check run again), refused when the file changed, and the
result links to the records created and updated."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sentra.core.import_checked import KEEP_HOURS, sweep_kept
from sentra.core.models import Job
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import EnterpriseFactory
from sentra.verification.models import VerificationStatus

pytestmark = pytest.mark.django_db

GOOD = (
    "nama_usaha,nib,kbli,kode_wilayah\n"
    "UD Amplang,9120001234567,10794,64.09.01.1001\n"
    "CV Kerupuk,9120001234568,10794,64.09.01.1002\n"
)
BAD = "nama_usaha,kbli,kode_wilayah\nUD Amplang,99999,64.09.01.1001\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def dry_run(client, text: str) -> Job:
    upload = SimpleUploadedFile("ikm.csv", text.encode(), content_type="text/csv")
    response = client.post(
        reverse("web:import_upload"), {"kind": "enterprises", "file": upload, "action": "check"}
    )
    assert response.status_code == 302
    return Job.objects.latest("id")


def commit(client, job: Job):
    return client.post(reverse("web:import_job_commit", args=[job.pk]), follow=True)


def test_a_clean_dry_run_is_imported_with_one_click_and_links_its_records(auth_client, data_dir):
    checked = dry_run(auth_client, GOOD)
    page = auth_client.get(reverse("web:import_job", args=[checked.pk])).content.decode()
    assert reverse("web:import_job_commit", args=[checked.pk]) in page and "Impor berkas ini" in page
    assert Enterprise.objects.count() == 0
    assert Path(checked.params["path"]).read_bytes() == GOOD.encode()  # the very upload, kept

    response = commit(auth_client, checked)
    html = response.content.decode()
    assert "2 baris diimpor: 2 baru, 0 diperbarui." in html
    committed = Job.objects.latest("id")
    assert committed.params["commit"] and committed.params["checked_job_id"] == checked.pk
    for enterprise in Enterprise.objects.all():
        assert f'href="{reverse("web:enterprise_detail", args=[enterprise.pk])}"' in html
    assert not list(data_dir.glob("imports/*"))  # nothing left behind

    # The dry run now points at its import; a second click imports nothing more.
    checked.refresh_from_db()
    assert checked.params["committed_job_id"] == committed.pk
    page = auth_client.get(reverse("web:import_job", args=[checked.pk])).content.decode()
    assert "Impor berkas ini" not in page and reverse("web:import_job", args=[committed.pk]) in page
    response = commit(auth_client, checked)
    assert "sudah diimpor" in response.content.decode() and Enterprise.objects.count() == 2


def test_updated_records_are_linked_too(auth_client):
    existing = EnterpriseFactory(
        name="UD Amplang Lama", nib="9120001234567", kbli_id="10794", village_id="64.09.01.1001"
    )
    html = commit(auth_client, dry_run(auth_client, GOOD)).content.decode()
    assert "1 baru, 1 diperbarui" in html
    assert f'href="{reverse("web:enterprise_detail", args=[existing.pk])}"' in html and "diperbarui" in html


def test_a_file_changed_since_its_check_is_refused(auth_client):
    checked = dry_run(auth_client, GOOD)
    Path(checked.params["path"]).write_text(GOOD.replace("UD Amplang", "UD Palsu"))
    html = commit(auth_client, checked).content.decode()
    assert "Berkas berubah sejak diuji" in html
    assert Enterprise.objects.count() == 0 and Job.objects.count() == 1
    assert not Path(checked.params["path"]).exists()  # the tampered file is not kept


def test_the_checks_run_again_at_commit(auth_client):
    """A record the file updates was accepted (locked) between the check and the click."""
    existing = EnterpriseFactory(
        name="UD Amplang", nib="9120001234567", kbli_id="10794", village_id="64.09.01.1001"
    )
    checked = dry_run(auth_client, GOOD)
    Enterprise.objects.filter(pk=existing.pk).update(verification_status=VerificationStatus.ACCEPTED)
    html = commit(auth_client, checked).content.decode()
    assert "locked" in html and "tidak ada data yang disimpan" in html
    assert Enterprise.objects.count() == 1


def test_a_dry_run_with_errors_offers_no_commit_and_keeps_no_file(auth_client, data_dir):
    checked = dry_run(auth_client, BAD)
    page = auth_client.get(reverse("web:import_job", args=[checked.pk])).content.decode()
    assert "Impor berkas ini" not in page
    assert not list(data_dir.glob("imports/*"))
    html = commit(auth_client, checked).content.decode()
    assert "diuji tanpa galat" in html and Enterprise.objects.count() == 0


def test_only_the_user_who_checked_may_commit(auth_client, client, django_user_model):
    checked = dry_run(auth_client, GOOD)
    other = django_user_model.objects.create_user(username="lain", password="rahasia-sekali-123")
    client.force_login(other)
    assert client.post(reverse("web:import_job_commit", args=[checked.pk])).status_code == 404
    assert client.get(reverse("web:import_job_commit", args=[checked.pk])).status_code in (302, 404, 405)


def test_checked_uploads_nobody_commits_are_swept_after_a_day(tmp_path):
    old, fresh = tmp_path / "a.upload", tmp_path / "b.upload"
    old.write_text("x")
    fresh.write_text("y")
    day_ago = time.time() - KEEP_HOURS * 3600 - 60
    os.utime(old, (day_ago, day_ago))
    assert sweep_kept(tmp_path) == 1
    assert not old.exists() and fresh.exists()
