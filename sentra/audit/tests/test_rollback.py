"""Rolling an import back is all or nothing (issue 12, point 1).

- One transaction of set-based statements: the number of queries does not grow with the rows.
- A failure part-way leaves the batch exactly as it was: nothing deleted, nothing restored, no undo
  batch, the batch not marked.
- A record changed after the import (a later event not of the batch, or now accepted) is the user's
  call: by default the rollback is refused, naming it (`changed_since`); with keep_changed the rest is
  undone and that record is left as it is now.
- The actor must be allowed to roll back every record, checked for all records at once.
- The channels: the web page offers the choice, the API answers 409 with the code, the CLI exits
  non-zero with the message.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditAction, AuditBatch, AuditEvent
from sentra.audit.services import record_change, snapshot
from sentra.core.errors import AccessDenied, DomainError
from sentra.core.import_kinds import import_rollback
from sentra.registry.imports import import_enterprises
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

HEADER = "nama_usaha,nib,kbli,kode_wilayah,tenaga_kerja,investasi"
PPU_VILLAGES = ("64.09.01.1001", "64.09.01.1002")


def rows(n: int, start: int = 0) -> list[str]:
    return [
        f"UD Uji {i},{9_120_000_000_000 + i},10794,{PPU_VILLAGES[i % 2]},{1 + i % 9},50000000"
        for i in range(start, start + n)
    ]


def import_rows(tmp_path, actor, lines, name="data.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    report = import_enterprises(actor=actor, path=path, commit=True)
    assert report.ok, report.errors
    return report


def state() -> dict:
    """Everything a rollback may touch, to compare before and after."""
    return {
        "enterprises": [{**snapshot(e), "id": e.pk} for e in Enterprise.objects.order_by("pk")],
        "events": AuditEvent.objects.count(),
        "batches": list(AuditBatch.objects.order_by("pk").values_list("pk", "kind", "rolled_back_at")),
    }


@pytest.fixture
def officer(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


@pytest.fixture
def imported(tmp_path, officer, regency_agency):
    """An import that updated two existing enterprises and created 30 new ones."""
    existing = [
        EnterpriseFactory(
            nib=str(9_120_000_000_000 + i), village_id=PPU_VILLAGES[i % 2], agency=regency_agency
        )
        for i in range(2)
    ]
    report = import_rows(tmp_path, officer, rows(32))
    assert (report.created, report.updated) == (30, 2)
    return report, existing


def test_rollback_deletes_what_was_created_restores_what_was_updated_and_records_it(imported, officer):
    report, existing = imported
    names = {e.pk: e.name for e in existing}
    assert import_rollback(actor=officer, batch_id=report.batch_id, reason="salah berkas") == 32
    assert list(Enterprise.objects.values_list("pk", flat=True).order_by("pk")) == sorted(names)
    for enterprise in Enterprise.objects.all():
        assert enterprise.name == names[enterprise.pk]
    undo = AuditBatch.objects.get(kind="rollback")
    actions = list(undo.events.values_list("action", flat=True))
    assert actions.count(AuditAction.DELETE) == 30 and actions.count(AuditAction.ROLLBACK) == 2
    assert set(undo.events.values_list("reason", flat=True)) == {"salah berkas"}
    restored = undo.events.get(object_id=existing[0].pk)
    assert restored.changes["name"] == ["UD Uji 0", names[existing[0].pk]]
    assert restored.snapshot == snapshot(Enterprise.objects.get(pk=existing[0].pk))
    deleted = undo.events.filter(action=AuditAction.DELETE).first()
    assert deleted.snapshot["nib"] and deleted.changes["nib"][1] is None
    assert AuditBatch.objects.get(pk=report.batch_id).rolled_back_by == officer.username


def test_rollback_is_set_based_its_queries_do_not_grow_with_the_rows(
    tmp_path, officer, django_assert_max_num_queries
):
    small = import_rows(tmp_path, officer, rows(5), name="small.csv")
    large = import_rows(tmp_path, officer, rows(120, start=5), name="large.csv")
    with django_assert_max_num_queries(60) as small_queries:
        import_rollback(actor=officer, batch_id=small.batch_id)
    with django_assert_max_num_queries(60) as large_queries:
        import_rollback(actor=officer, batch_id=large.batch_id)
    assert len(large_queries.captured_queries) <= len(small_queries.captured_queries) + 2
    assert Enterprise.objects.count() == 0


def test_a_failure_at_the_last_step_leaves_the_batch_exactly_as_it_was(imported, officer, monkeypatch):
    report, _existing = imported
    before = state()
    real_save = AuditBatch.save

    def fail_when_marking(self, *args, **kwargs):
        if "rolled_back_at" in (kwargs.get("update_fields") or ()):
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(AuditBatch, "save", fail_when_marking)
    with pytest.raises(RuntimeError):
        import_rollback(actor=officer, batch_id=report.batch_id)
    assert state() == before  # nothing deleted or restored, no undo batch, the batch not marked
    monkeypatch.undo()
    assert import_rollback(actor=officer, batch_id=report.batch_id) == 32


def test_a_record_changed_since_is_named_and_the_rollback_refused_by_default(imported, officer):
    report, existing = imported
    edited = Enterprise.objects.get(nib="9120000000005")
    before = snapshot(edited)
    edited.name = "UD Uji 5 (diperbaiki)"
    edited.save()
    record_change(actor=officer, action=AuditAction.UPDATE, obj=edited, before=before)
    frozen = state()

    with pytest.raises(DomainError) as caught:
        import_rollback(actor=officer, batch_id=report.batch_id)
    assert caught.value.code == "changed_since"
    assert "UD Uji 5" in caught.value.message and f"#{edited.pk}" in caught.value.message
    assert [e.field for e in caught.value.errors] == [f"registry.enterprise:{edited.pk}"]
    assert state() == frozen


def test_keep_changed_rolls_back_the_rest_and_leaves_the_changed_record_as_it_is(imported, officer):
    report, existing = imported
    edited = Enterprise.objects.get(nib="9120000000000")  # an updated one
    before = snapshot(edited)
    edited.address = "Jl. Baru 1"
    edited.save()
    record_change(actor=officer, action=AuditAction.UPDATE, obj=edited, before=before)
    Enterprise.objects.filter(nib="9120000000007").update(verification_status="accepted")  # locked

    undone = import_rollback(actor=officer, batch_id=report.batch_id, keep_changed=True)
    assert undone == 30
    assert {k["object_id"] for k in undone.kept} == {
        edited.pk,
        Enterprise.objects.get(nib="9120000000007").pk,
    }
    edited.refresh_from_db()
    assert (edited.name, edited.address) == ("UD Uji 0", "Jl. Baru 1")  # as it is now
    assert set(Enterprise.objects.values_list("nib", flat=True)) == {
        "9120000000000",
        "9120000000001",
        "9120000000007",
    }
    assert Enterprise.objects.get(nib="9120000000001").name == existing[1].name


def test_the_actor_must_be_allowed_to_roll_back_every_record(tmp_path, user, actor, regency_agency):
    """The batch is the user's own (so they see it), but they now work for one regency only."""
    report = import_rows(
        tmp_path, actor, [*rows(3), "UD Jenang,9120001234568,10794,33.19.01.2001,4,50000000"]
    )
    user.profile.role = Role.REGENCY_OFFICER
    user.profile.agency = regency_agency
    user.profile.region_id = regency_agency.region_id
    user.profile.save()
    from sentra.accounts.scope import actor_for_user

    narrowed = actor_for_user(user)
    frozen = state()
    with pytest.raises(AccessDenied) as caught:
        import_rollback(actor=narrowed, batch_id=report.batch_id)
    assert "di luar wilayah kerja Anda" in str(caught.value)
    assert state() == frozen


def test_a_locked_database_is_a_clear_try_again(imported, officer, monkeypatch):
    """Whatever statement meets the lock (here the first delete), the answer is DomainError `busy`."""
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    report, _existing = imported
    frozen = state()

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "delete", locked)
    monkeypatch.setattr(Enterprise, "delete", locked)
    with pytest.raises(DomainError) as caught:
        import_rollback(actor=officer, batch_id=report.batch_id)
    assert caught.value.code == "busy"
    monkeypatch.undo()
    assert state() == frozen


# --- channels -----------------------------------------------------------------------------------


@pytest.fixture
def changed(imported, officer):
    report, _existing = imported
    edited = Enterprise.objects.get(nib="9120000000005")
    before = snapshot(edited)
    edited.name = "UD Uji 5 (diperbaiki)"
    edited.save()
    record_change(actor=officer, action=AuditAction.UPDATE, obj=edited, before=before)
    return report, edited


def test_api_answers_409_with_the_code_and_rolls_back_the_rest_on_request(client, changed, officer):
    report, edited = changed
    client.force_login(_user(officer))
    url = f"/api/v1/imports/batches/{report.batch_id}/rollback"
    response = client.post(url, data=json.dumps({}), content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "changed_since" and body["errors"][0]["field"].endswith(f":{edited.pk}")
    response = client.post(url, data=json.dumps({"keep_changed": True}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["undone"] == 31 and response.json()["kept"] == 1
    assert Enterprise.objects.filter(pk=edited.pk).exists()


def test_web_page_lists_changed_records_and_offers_to_keep_them(client, changed, officer):
    report, edited = changed
    client.force_login(_user(officer))
    url = reverse("web:import_batch_rollback", args=[report.batch_id])
    page = client.get(url).content.decode()
    assert "UD Uji 5" in page and 'name="keep_changed"' in page
    response = client.post(url, {"reason": ""}, follow=True)
    assert "sudah diubah setelah impor" in response.content.decode()
    assert not AuditBatch.objects.get(pk=report.batch_id).rolled_back_at
    response = client.post(url, {"keep_changed": "1"}, follow=True)
    assert response.status_code == 200
    assert AuditBatch.objects.get(pk=report.batch_id).rolled_back_at
    assert Enterprise.objects.filter(pk=edited.pk).exists()


def test_cli_exits_with_the_message_and_keeps_changed_records_on_request(changed, officer, capsys):
    report, edited = changed
    username = _user(officer).username
    with pytest.raises(CommandError) as caught:
        call_command("import", "rollback", str(report.batch_id), "--as", username)
    assert "sudah diubah setelah impor" in str(caught.value)
    call_command("import", "rollback", str(report.batch_id), "--as", username, "--keep-changed")
    assert "1 data yang berubah dibiarkan" in capsys.readouterr().out
    assert Enterprise.objects.count() == 3  # the two it updated (restored) and the one changed since
    assert Enterprise.objects.filter(pk=edited.pk, name="UD Uji 5 (diperbaiki)").exists()
    assert AuditBatch.objects.get(pk=report.batch_id).rolled_back_at


def _user(actor):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=actor.user_id)


CENTRE_HEADER = (
    "nama_sentra,komoditas,kbli,kode_wilayah,jenis_dasar_hukum,nomor_dasar_hukum,"
    "tanggal_dasar_hukum,nib_anggota"
)


def test_a_centre_import_is_rolled_back_with_the_decree_and_links_it_created(tmp_path, actor):
    """The centres name the decree (a protected reference): they go first, whatever the batch's order."""
    from sentra.registry.imports import import_centres
    from sentra.registry.models import Centre, CentreMembership, CentreVillage, Decree

    members = [EnterpriseFactory(nib=f"912000000020{i}", village_id="64.09.01.1002") for i in range(2)]
    path = tmp_path / "sentra.csv"
    path.write_text(
        CENTRE_HEADER + "\n"
        f'Sentra Amplang,Amplang,10794,"64.09.01.1002;64.09.01.1001",SK Bupati,518/9/2021,31/03/2021,'
        f'"{members[0].nib};{members[1].nib}"\n'
        f"Sentra Kerupuk,Kerupuk,10794,64.09.01.1001,SK Bupati,518/9/2021,31/03/2021,{members[0].nib}\n",
        encoding="utf-8",
    )
    report = import_centres(actor=actor, path=path, commit=True)
    assert report.ok and report.created == 2 and Decree.objects.count() == 1
    assert import_rollback(actor=actor, batch_id=report.batch_id) >= 2
    assert not Centre.objects.exists() and not Decree.objects.exists()
    assert not CentreVillage.objects.exists() and not CentreMembership.objects.exists()
    assert Enterprise.objects.count() == 2  # the members were not the import's


def test_the_set_based_path_undoes_link_changes_of_any_kind_with_a_batch(tmp_path, officer, regency_agency):
    """A beneficiaries import records link changes on activities (audit.links); the audit path puts
    them back through the links' registered hook. (The channels still refuse such a batch,
    `rollback_unsupported`, until the programmes import offers it.)"""
    from sentra.audit.services import batch_rollback
    from sentra.conftest import SALOLOANG
    from sentra.core.import_kinds import import_file
    from sentra.programmes.tests.factories import YEAR, ActivityFactory

    activity = ActivityFactory(agency=regency_agency, code="5305.001")
    kept = EnterpriseFactory(nib="9120001234560", village_id=SALOLOANG)
    activity.enterprises.add(kept)
    added = EnterpriseFactory(nib="9120001234567", village_id=SALOLOANG)
    path = tmp_path / "penerima.csv"
    path.write_text(
        "Tahun anggaran,Kode kegiatan,NIB,ID sentra,Nama sentra,Kode wilayah\n"
        f"{YEAR},5305.001,{added.nib},,,\n",
        encoding="utf-8",
    )
    assert import_file(kind="beneficiaries", path=path, actor=officer, commit=True).ok
    assert set(activity.enterprises.all()) == {kept, added}
    batch = AuditBatch.objects.get(kind="import_beneficiaries")

    assert batch_rollback(actor=officer, batch=batch) == 1
    assert list(activity.enterprises.all()) == [kept]
    undo = AuditBatch.objects.get(kind="rollback").events.get()
    assert undo.changes["enterprises"] == [sorted([kept.pk, added.pk]), [kept.pk]]
