"""A kind of import is registered by its app and found by the core: a kind declared here, in a test
module, becomes listable, uploadable (web, API, CLI), gets its templates and its rollback answer, and
needs the import right of its own permission area, without a line of registry/ or programmes/.
This is the proof a new domain's import (the participants of part 4) touches only its own app."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.permissions import AREA_ACTIONS, READ, ROLE_ACTIONS, Action
from sentra.accounts.scope import actor_for_user
from sentra.accounts.tests.factories import persona
from sentra.audit.services import batch_start
from sentra.core.errors import AccessDenied, DomainError
from sentra.core.import_kinds import (
    ImportKind,
    import_file,
    import_kinds,
    import_rollback,
    kind_keys,
    kind_registered,
    register_kind,
)
from sentra.core.imports import Column, ImportReport, ImportSchema, Row

# What the notes schema wrote, so that a test sees a commit happen without a model of its own.
WRITTEN: list[str] = []
NOTES_AREA = "notes_area"


class NoteSchema(ImportSchema):
    kind = "notes"
    title = "Catatan"
    columns = (
        Column("judul", "Judul catatan (wajib)", "Rapat koordinasi"),
        Column("isi", "Isi catatan", "Dihadiri 12 IKM"),
    )

    def __init__(self, *, actor=None, agency=None, description: str = "") -> None:
        self.actor, self.agency, self.description = actor, agency, description

    def check(self, row: Row, report: ImportReport):
        if not row.text("judul"):
            report.error(row.number, "judul", "", "required", "Judul wajib diisi.")
            return None
        return row.text("judul")

    def write(self, rows, report: ImportReport, on_row) -> None:
        batch = batch_start(actor=self.actor, kind="import_notes", description=self.description)
        report.batch_id = batch.pk
        for row in rows:
            WRITTEN.append(row.text("judul"))
            report.created += 1
            on_row()


NOTES = ImportKind(
    key="notes",
    label="Catatan rapat",
    schema=NoteSchema,
    area=NOTES_AREA,
    batch_kind="import_notes",
    rollback=False,
    rollback_refusal="Impor catatan tidak dapat dibatalkan.",
)
GOOD = "judul,isi\nRapat koordinasi,Dihadiri 12 IKM\nKunjungan,\n"
BAD = "judul,isi\n,tanpa judul\n"


@pytest.fixture
def notes(monkeypatch):
    """The notes kind, importable by the roles that may import in the registries."""
    monkeypatch.setitem(AREA_ACTIONS, NOTES_AREA, dict(ROLE_ACTIONS))
    WRITTEN.clear()
    with kind_registered(NOTES) as kind:
        yield kind


def upload(text: str, name: str = "catatan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_apps_register_their_kinds_in_app_order():
    assert kind_keys()[:4] == ["enterprises", "centres", "realisation", "beneficiaries"]
    assert {kind.key: kind.area for kind in import_kinds()}["realisation"] == "programmes"


def test_a_kind_key_belongs_to_one_registration(notes):
    register_kind(NOTES)  # the same registration again is harmless (ready() may run twice)
    with pytest.raises(ImproperlyConfigured):
        register_kind(ImportKind(key="notes", label="Lain", schema=NoteSchema))


def test_a_registered_kind_is_listed_and_gone_when_unregistered(auth_client, notes):
    html = auth_client.get(reverse("web:import_upload")).content.decode()
    assert "Catatan rapat" in html and 'value="notes"' in html
    with kind_registered(ImportKind(key="minutes", label="Notula", schema=NoteSchema)):
        assert "minutes" in kind_keys()
    assert "minutes" not in kind_keys()


def test_the_web_checks_and_imports_a_registered_kind(auth_client, notes):
    response = auth_client.post(
        reverse("web:import_upload"), {"kind": "notes", "file": upload(GOOD), "action": "check"}, follow=True
    )
    assert "2 baris diperiksa tanpa galat" in response.content.decode() and WRITTEN == []
    response = auth_client.post(
        reverse("web:import_upload"), {"kind": "notes", "file": upload(GOOD), "action": "commit"}, follow=True
    )
    assert "2 baris diimpor: 2 baru" in response.content.decode()
    assert "Catatan rapat" in response.content.decode()  # the job page names the kind
    assert WRITTEN == ["Rapat koordinasi", "Kunjungan"]


def test_the_api_imports_a_registered_kind_and_names_it_among_the_known(auth_client, notes):
    body = auth_client.post("/api/v1/imports/notes", {"file": upload(BAD)}).json()
    assert body["report"]["errors"][0]["code"] == "required" and body["report"]["errors"][0]["row"] == 2
    body = auth_client.post("/api/v1/imports/notes?commit=true", {"file": upload(GOOD)}).json()
    assert body["report"]["created"] == 2 and body["report"]["committed"]
    unknown = auth_client.post("/api/v1/imports/kapal", {"file": upload(GOOD)})
    assert unknown.status_code == 404 and "notes" in unknown.json()["detail"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_of_a_registered_kind(auth_client, notes, fmt):
    for url in (
        reverse("web:import_template", kwargs={"kind": "notes", "fmt": fmt}),
        f"/api/v1/imports/templates/notes.{fmt}",
    ):
        response = auth_client.get(url)
        assert response.status_code == 200 and "templat-notes" in response["Content-Disposition"]
        if fmt == "xlsx":
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            assert workbook["Data"]["A1"].value == "judul"
            assert workbook["Petunjuk"]["B2"].value == "Judul catatan (wajib)"
        else:
            assert "judul,isi" in response.content.decode("utf-8-sig")
    assert auth_client.get("/impor/templat/notes.pdf").status_code == 404


def test_the_cli_imports_and_writes_templates_of_a_registered_kind(notes, tmp_path: Path, user, capsys):
    source = tmp_path / "catatan.csv"
    source.write_text(GOOD, encoding="utf-8")
    call_command("import", "notes", str(source), "--commit", "--as", user.username, "--no-progress")
    assert WRITTEN == ["Rapat koordinasi", "Kunjungan"]
    out = tmp_path / "templat.xlsx"
    call_command("import", "template", "notes", str(out))
    assert openpyxl.load_workbook(out)["Data"]["A1"].value == "judul"


def test_the_import_right_is_that_of_the_kinds_area(notes, monkeypatch, regency_agency, tmp_path: Path):
    """A regency officer imports in the registries; in an area where the role only reads, not here."""
    officer = actor_for_user(persona(Role.REGENCY_OFFICER, agency=regency_agency))
    source = tmp_path / "catatan.csv"
    source.write_text(GOOD, encoding="utf-8")
    assert import_file(kind="notes", path=source, actor=officer, commit=True).created == 2
    monkeypatch.setitem(AREA_ACTIONS, NOTES_AREA, {**ROLE_ACTIONS, Role.REGENCY_OFFICER: READ})
    assert officer.can(Action.IMPORT)  # the registries' area still allows it
    with pytest.raises(AccessDenied):
        import_file(kind="notes", path=source, actor=officer)


def test_a_kind_without_rollback_says_why(notes, user, tmp_path: Path):
    source = tmp_path / "catatan.csv"
    source.write_text(GOOD, encoding="utf-8")
    actor = actor_for_user(user)
    report = import_file(kind="notes", path=source, actor=actor, commit=True)
    with pytest.raises(DomainError) as refused:
        import_rollback(actor=actor, batch_id=report.batch_id)
    assert refused.value.code == "rollback_unsupported"
    assert refused.value.message == "Impor catatan tidak dapat dibatalkan."
