"""Defects found by the UI review of issue 12's pages (lost update after a conflict, refusals the person
cannot read, overflowing tables, the rollback page's wording)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import EnterpriseFactory

from .browser import BROWSER

SALOLOANG = "64.09.01.1002"  # Kab. Penajam Paser Utara
KUDUS_VILLAGE = "33.19.01.2001"  # Kab. Kudus, outside PPU


@pytest.fixture
def sessions(user):
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def submitted(page, **changes) -> dict:
    """What the browser sends back from an edit page: every field as shown, with `changes` typed in."""
    form = page.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if field.field.disabled or value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    data.update(changes)
    return data


@pytest.mark.django_db
class TestSavingAgainAfterAConflict:
    """On a conflict, a field the person did not change takes the stored value; only fields both changed
    are put to the person, and saving again overwrites those deliberately — nothing else."""

    def test_a_field_only_the_other_person_changed_is_kept(self, sessions, regency_agency):
        enterprise = EnterpriseFactory(agency=regency_agency, owner_name="Pak Amir", workers=4)
        url = reverse("web:enterprise_edit", args=[enterprise.pk])
        a, b = sessions
        a_page, b_page = a.get(url), b.get(url)
        assert a.post(url, submitted(a_page, owner_name="Bu Sari")).status_code == 302

        answer = b.post(url, submitted(b_page, workers="7"))
        assert answer.status_code == 200
        form = answer.context["form"]
        owner = str(form.fields["owner_name"].label)
        assert form.conflict == []  # nothing both changed
        assert form.conflict_taken == [{"label": owner, "now": "Bu Sari"}]
        assert form["owner_name"].value() == "Bu Sari"  # the newest value, not the one B was shown
        assert form["workers"].value() == "7"  # B's own input stays
        html = answer.content.decode()
        assert "Periksa isian yang ditandai" not in html  # no field is marked: the conflict is the message
        assert "Diubah orang lain, dipakai nilai terbaru" in html
        assert Enterprise.objects.get(pk=enterprise.pk).workers == 4  # nothing saved yet

        assert b.post(url, submitted(answer)).status_code == 302
        stored = Enterprise.objects.get(pk=enterprise.pk)
        assert (stored.owner_name, stored.workers) == ("Bu Sari", 7)

    def test_a_field_both_changed_takes_the_second_persons_value_only_on_saving_again(
        self, sessions, regency_agency
    ):
        enterprise = EnterpriseFactory(agency=regency_agency, owner_name="Pak Amir", workers=4)
        url = reverse("web:enterprise_edit", args=[enterprise.pk])
        a, b = sessions
        a_page, b_page = a.get(url), b.get(url)
        assert a.post(url, submitted(a_page, owner_name="Bu Sari", workers="9")).status_code == 302

        answer = b.post(url, submitted(b_page, workers="7"))
        assert answer.status_code == 200
        form = answer.context["form"]
        workers = str(form.fields["workers"].label)
        assert form.conflict == [{"label": workers, "now": "9", "yours": "7"}]
        assert [row["now"] for row in form.conflict_taken] == ["Bu Sari"]
        assert form["version"].value() == "2"
        stored = Enterprise.objects.get(pk=enterprise.pk)
        assert (stored.owner_name, stored.workers) == ("Bu Sari", 9)  # not yet B's

        assert b.post(url, submitted(answer)).status_code == 302
        stored.refresh_from_db()
        assert (stored.owner_name, stored.workers, stored.version) == ("Bu Sari", 7, 3)


@pytest.mark.django_db
class TestARefusedRestoreSaysWhy:
    """A restore that would move the record out of the user's region is refused (403, nothing changed)
    on the history page itself, with the reason — not the generic "no permission" page."""

    def test_the_history_page_shows_the_specific_refusal(self, client, ministry_agency, regency_agency):
        from sentra.accounts.models import Role
        from sentra.accounts.scope import actor_for_user
        from sentra.accounts.tests.factories import persona
        from sentra.audit.models import AuditEvent
        from sentra.registry import services

        admin = actor_for_user(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
        record = services.enterprise_create(
            actor=admin, village_code=KUDUS_VILLAGE, kbli_code="10794", agency=regency_agency, name="UD Kudus"
        )
        services.enterprise_update(actor=admin, enterprise=record, village_code=SALOLOANG)
        first = AuditEvent.objects.get(
            object_type="registry.enterprise", object_id=record.pk, action="create"
        )
        client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))

        url = reverse("web:enterprise_restore", args=[record.pk, first.pk])
        answer = client.post(url, {"reason": "kembali"})

        assert answer.status_code == 403
        html = answer.content.decode()
        assert "Versi ini menempatkan data di luar wilayah kerja Anda" in html
        assert "Anda tidak memiliki izin untuk membuka halaman ini" not in html
        assert "UD Kudus" in html  # the record's own history page
        record.refresh_from_db()
        assert record.village_id == SALOLOANG


@pytest.mark.django_db
class TestTheRollbackPageWithChangedRecords:
    """When records changed after the import, the page counts what the "keep" choice would still undo,
    links each changed record, keeps the reason after a refusal and does not promise the whole import."""

    @pytest.fixture
    def changed(self, tmp_path, regency_agency):
        from sentra.accounts.models import Role
        from sentra.accounts.tests.factories import actor_of, persona
        from sentra.audit.models import AuditAction
        from sentra.audit.services import record_change, snapshot
        from sentra.registry.imports import import_enterprises

        user = persona(Role.REGENCY_OFFICER, agency=regency_agency)
        officer = actor_of(user)
        path = tmp_path / "ikm.csv"
        lines = [f"UD Uji {i},{9_120_000_000_000 + i},10794,{SALOLOANG},{1 + i},50000000" for i in range(3)]
        path.write_text("nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi\n" + "\n".join(lines) + "\n")
        report = import_enterprises(actor=officer, path=path, commit=True)
        assert report.ok and report.created == 3, report.errors
        edited = Enterprise.objects.get(nib="9120000000001")
        before = snapshot(edited)
        edited.name = "UD Uji 1 (diperbaiki)"
        edited.save()
        record_change(actor=officer, action=AuditAction.UPDATE, obj=edited, before=before)
        return user, report.batch_id, edited

    def test_the_page_says_what_keeping_leaves_and_links_the_changed_record(self, client, changed):
        user, batch_id, edited = changed
        client.force_login(user)
        html = client.get(reverse("web:import_batch_rollback", args=[batch_id])).content.decode()
        assert "3 data yang dibuat impor ini akan dihapus" not in html
        assert "batalkan seluruh impor ini" not in html
        assert (
            "2 data akan dihapus dan 0 data dikembalikan ke nilai sebelumnya; 1 data yang berubah dibiarkan"
            in html
        )
        assert f'href="{reverse("web:enterprise_detail", args=[edited.pk])}"' in html
        assert '<p class="field-check">' in html  # the checkbox sits with its label

    def test_a_refusal_keeps_the_typed_reason(self, client, changed):
        user, batch_id, _edited = changed
        client.force_login(user)
        url = reverse("web:import_batch_rollback", args=[batch_id])
        answer = client.post(url, {"reason": "berkas salah kolom"}, follow=True)
        html = answer.content.decode()
        assert "sudah diubah setelah impor" in html
        assert 'value="berkas salah kolom"' in html
        assert Enterprise.objects.filter(name__startswith="UD Uji").count() == 3  # nothing undone


def _in_browser(test):
    for mark in BROWSER:
        test = mark(test)
    return test


NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@_in_browser
def test_history_and_import_error_pages_do_not_overflow_a_phone(live_server, logged_in, regency_agency):
    """At 390 px the history table (its visually hidden restore labels) and the import error table
    scroll inside their box; the page itself never scrolls sideways."""
    from django.contrib.auth import get_user_model

    from sentra.accounts.scope import actor_for_user
    from sentra.core.models import Job
    from sentra.registry import services

    user = get_user_model().objects.get(username="petugas")
    admin = actor_for_user(user)
    record = services.enterprise_create(
        actor=admin,
        village_code=SALOLOANG,
        kbli_code="10794",
        agency=regency_agency,
        name="UD Amplang Bahari",
    )
    for workers in (5, 6, 7):
        record = services.enterprise_update(actor=admin, enterprise=record, workers=workers)
    long = "Nilai yang sangat panjang tanpa spasi " + "x" * 120
    errors = [
        {"row": i, "column": "kode_wilayah", "value": long, "code": "unknown_region", "message": long}
        for i in range(2, 6)
    ]
    job = Job.objects.create(
        kind="import_enterprises",
        created_by=user,
        status=Job.Status.SUCCEEDED,
        params={"kind": "enterprises", "commit": False, "filename": "ikm.csv"},
        result={
            "kind": "enterprises",
            "rows_total": 4,
            "created": 0,
            "updated": 0,
            "committed": False,
            "ok": False,
            "error_count": 4,
            "warning_count": 0,
            "errors": errors,
            "warnings": [],
        },
    )
    page = logged_in
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (
        reverse("web:enterprise_history", args=[record.pk]),
        reverse("web:import_job", kwargs={"job_id": job.pk}),
    ):
        page.goto(live_server.url + url)
        assert page.locator(".table-wrap table").count() >= 1, url
        assert page.evaluate(NO_OVERFLOW), (url, page.evaluate("document.documentElement.scrollWidth"))
