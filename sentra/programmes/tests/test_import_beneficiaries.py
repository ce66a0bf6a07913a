"""Beneficiary import: centres and enterprises linked to activities from a file, with the realisation
import's activity lookup and scope, beneficiaries readable by the importer, links only added, one
audit batch that is not rolled back (and says so); CLI, web and API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditBatch, AuditEvent
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.core.errors import DomainError
from sentra.core.import_kinds import import_file, import_rollback
from sentra.programmes.imports import BeneficiarySchema
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

from .factories import YEAR, ActivityFactory

pytestmark = pytest.mark.django_db

HEADER = "Tahun anggaran,Kode kegiatan,NIB,ID sentra,Nama sentra,Kode wilayah"
OTHER_VILLAGE = "64.09.01.1001"
KUDUS_VILLAGE = "33.19.01.2001"


def write(tmp_path, *rows, header=HEADER, name="penerima.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def errors(report):
    return [(e.row, e.column, e.code) for e in report.errors]


def run(tmp_path, actor, *rows, commit=False, header=HEADER):
    return import_file(
        kind="beneficiaries", path=write(tmp_path, *rows, header=header), actor=actor, commit=commit
    )


@pytest.fixture
def officer(regency_agency):
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


@pytest.fixture
def activity(regency_agency):
    return ActivityFactory(agency=regency_agency, code="5305.001")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(nib="9120001234567", village_id=SALOLOANG)


@pytest.fixture
def centre():
    return CentreFactory(name="Sentra Amplang Salo Loang", villages=[SALOLOANG, OTHER_VILLAGE])


@pytest.fixture
def kudus_centre():
    return CentreFactory(name="Sentra Jenang", village_id=KUDUS_VILLAGE)


class TestWrite:
    def test_dry_run_writes_nothing_commit_links_centres_and_enterprises(
        self, tmp_path, officer, activity, enterprise, centre
    ):
        second = CentreFactory(name="Sentra Kepiting", village_id=SALOLOANG)
        rows = (
            f"{YEAR},5305.001,{enterprise.nib},,,",
            f"{YEAR},5305.001,,{second.pk},,",
            # by name (any case) and one of the centre's villages, written without dots
            f"{YEAR},5305.001,,,sentra amplang  SALO loang,6409011001",
        )
        dry = run(tmp_path, officer, *rows)
        assert dry.ok and dry.rows_total == 3 and not dry.committed, dry.errors
        assert not activity.centres.exists() and not activity.enterprises.exists()
        assert AuditBatch.objects.count() == 0 and AuditEvent.objects.count() == 0

        report = run(tmp_path, officer, *rows, commit=True)
        assert report.ok and report.committed and (report.created, report.updated) == (3, 1)
        assert set(activity.centres.all()) == {centre, second}
        assert list(activity.enterprises.all()) == [enterprise]
        batch = AuditBatch.objects.get()
        assert batch.kind == "import_beneficiaries" and batch.description == "penerima.csv"
        event = AuditEvent.objects.get(batch=batch)
        assert (event.action, event.object_type, event.object_id) == (
            "update",
            "programmes.activity",
            activity.pk,
        )
        assert event.changes == {
            "centres": [[], sorted([centre.pk, second.pk])],
            "enterprises": [[], [enterprise.pk]],
        }
        assert enterprise.name in event.reason and centre.name in event.reason
        assert event.region_code == PPU
        # The report says plainly that this import is not rolled back.
        assert [w.code for w in report.warnings] == ["no_rollback"]
        assert f"#{batch.pk}" in report.warnings[0].message and report.batch_id is None

    def test_a_nib_with_several_units_names_the_unit_by_its_village(
        self, tmp_path, officer, activity, enterprise
    ):
        """One NIB may hold several units (issue 13.4): the row names one by kode_wilayah, its village;
        without it the row is refused with a message that says so (not 'isi kolom id_sentra')."""
        other_unit = EnterpriseFactory(nib=enterprise.nib, village_id=OTHER_VILLAGE, kbli=enterprise.kbli)
        refused = run(tmp_path, officer, f"{YEAR},5305.001,{enterprise.nib},,,")
        assert errors(refused) == [(2, "nib", "ambiguous_beneficiary")]
        assert "kode_wilayah" in refused.errors[0].message and "id_sentra" not in refused.errors[0].message
        report = run(tmp_path, officer, f"{YEAR},5305.001,{enterprise.nib},,,6409011001", commit=True)
        assert report.ok, report.errors
        assert list(activity.enterprises.all()) == [other_unit]

    def test_existing_links_are_kept_and_relinking_is_a_warning(
        self, tmp_path, officer, activity, enterprise, centre
    ):
        kept = EnterpriseFactory(village_id=SALOLOANG)
        activity.enterprises.add(kept, enterprise)
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,{enterprise.nib},,,",
            f"{YEAR},5305.001,,{centre.pk},,",
            commit=True,
        )
        assert report.ok and (report.created, report.updated) == (1, 1)
        assert [w.code for w in report.warnings] == ["already_linked", "no_rollback"]
        assert set(activity.enterprises.all()) == {kept, enterprise}  # never removed
        assert list(activity.centres.all()) == [centre]
        event = AuditEvent.objects.get()
        assert event.changes == {"centres": [[], [centre.pk]]}

    def test_nothing_new_records_an_empty_batch_and_no_event(self, tmp_path, officer, activity, enterprise):
        activity.enterprises.add(enterprise)
        report = run(tmp_path, officer, f"{YEAR},5305.001,{enterprise.nib},,,", commit=True)
        assert report.ok and (report.created, report.updated) == (0, 0)
        assert AuditEvent.objects.count() == 0


class TestRowErrors:
    def test_each_error_code_with_its_row_and_column(
        self, tmp_path, officer, activity, enterprise, centre, kudus_centre
    ):
        elsewhere = EnterpriseFactory(nib="9120009999999", village_id=KUDUS_VILLAGE)
        report = run(
            tmp_path,
            officer,
            f"{YEAR},9999.999,{enterprise.nib},,,",  # 2
            f"{YEAR},5305.001,9120000000001,,,",  # 3: no such NIB
            f"{YEAR},5305.001,{elsewhere.nib},,,",  # 4: exists, outside the officer's region
            f"{YEAR},5305.001,,{kudus_centre.pk},,",  # 5: same for a centre
            f"{YEAR},5305.001,,,{centre.name},{KUDUS_VILLAGE}",  # 6: right name, wrong village
            f"{YEAR},5305.001,12345,,,",  # 7
            f"{YEAR},5305.001,{enterprise.nib},{centre.pk},,",  # 8: two beneficiaries
            f"{YEAR},5305.001,,,,",  # 9: none
            f"{YEAR},5305.001,,,{centre.name},desa",  # 10
            f",5305.001,{enterprise.nib},,,",  # 11
            f"{YEAR},5305.001,{enterprise.nib},,,",  # 12
            f"{YEAR},5305.001,{enterprise.nib},,,",  # 13: the same row again
            f"{YEAR},5305.001,,{centre.pk},,",  # 14
            f"{YEAR},5305.001,,,{centre.name},{SALOLOANG}",  # 15: the same centre by name
            commit=True,
        )
        assert errors(report) == [
            (2, "kode_kegiatan", "unknown_activity"),
            (3, "nib", "unknown_beneficiary"),
            (4, "nib", "unknown_beneficiary"),
            (5, "id_sentra", "unknown_beneficiary"),
            (6, "nama_sentra", "unknown_beneficiary"),
            (7, "nib", "invalid_nib"),
            (8, "nib", "one_beneficiary"),
            (9, "nib", "required"),
            (10, "kode_wilayah", "invalid_region"),
            (11, "tahun_anggaran", "required"),
            (13, "", "duplicate_row"),
            (15, "", "duplicate_key"),
        ]
        assert "baris 14" in report.errors[-1].message
        assert not activity.centres.exists() and not activity.enterprises.exists()
        assert AuditBatch.objects.count() == 0

    def test_an_accepted_activity_is_locked(self, tmp_path, officer, regency_agency, enterprise):
        ActivityFactory(agency=regency_agency, code="5305.009", verification_status="accepted")
        report = run(tmp_path, officer, f"{YEAR},5305.009,{enterprise.nib},,,", commit=True)
        assert errors(report) == [(2, "kode_kegiatan", "locked")]
        assert AuditBatch.objects.count() == 0

    def test_missing_columns(self, tmp_path, officer):
        report = run(tmp_path, officer, f"{YEAR},5305.001", header="Tahun anggaran,Kode kegiatan")
        assert errors(report) == [(None, "nib/id_sentra/nama_sentra", "missing_columns")]
        report = run(
            tmp_path, officer, f"{YEAR},5305.001,X", header="Tahun anggaran,Kode kegiatan,Nama sentra"
        )
        assert errors(report) == [(None, "kode_wilayah", "missing_columns")]


class TestScope:
    def test_another_regencys_activity_reads_as_unknown(self, tmp_path, officer, activity, enterprise):
        kudus = AgencyFactory(name="Dinas Perindustrian Kab. Kudus", kind="regency_industry", region_id=KUDUS)
        theirs = ActivityFactory(agency=kudus, code="3319.001")
        report = run(
            tmp_path,
            officer,
            f"{YEAR},5305.001,{enterprise.nib},,,",
            f"{YEAR},3319.001,{enterprise.nib},,,",
            commit=True,
        )
        assert errors(report) == [(3, "kode_kegiatan", "unknown_activity")]  # as a code used nowhere
        assert not activity.enterprises.exists() and not theirs.enterprises.exists()

    def test_a_code_used_by_two_agencies_needs_kode_satker(self, tmp_path, activity, enterprise):
        other = AgencyFactory(name="Dekranasda Kab. Penajam Paser Utara", kind="dekranasda", region_id=PPU)
        twin = ActivityFactory(agency=other, code="5305.001")
        province = actor_of(persona(Role.PROVINCE_OFFICER, region="64"))
        report = run(tmp_path, province, f"{YEAR},5305.001,{enterprise.nib},,,")
        assert errors(report) == [(2, "kode_kegiatan", "ambiguous_activity")]
        report = run(
            tmp_path,
            province,
            f"{other.pk},{YEAR},5305.001,{enterprise.nib},,,",
            header="Kode satker," + HEADER,
            commit=True,
        )
        assert report.ok, report.errors
        assert list(twin.enterprises.all()) == [enterprise] and not activity.enterprises.exists()

    def test_a_national_importer_reaches_every_region(self, tmp_path, activity, kudus_centre):
        national = actor_of(persona(Role.MINISTRY_ADMIN))
        report = run(tmp_path, national, f"{YEAR},5305.001,,{kudus_centre.pk},,", commit=True)
        assert report.ok, report.errors
        assert list(activity.centres.all()) == [kudus_centre]


class TestRollback:
    def test_rollback_is_refused_with_a_message_and_undoes_nothing(
        self, tmp_path, regency_agency, activity, enterprise
    ):
        user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="ppu")
        report = run(tmp_path, actor_of(user), f"{YEAR},5305.001,{enterprise.nib},,,", commit=True)
        batch = AuditBatch.objects.get()
        with pytest.raises(DomainError) as refused:
            import_rollback(actor=actor_of(user), batch_id=batch.pk)
        assert refused.value.code == "rollback_unsupported"
        with pytest.raises(CommandError) as caught:
            call_command("import", "rollback", str(batch.pk), "--as", user.username)
        assert "tidak dapat dibatalkan" in str(caught.value)
        assert list(activity.enterprises.all()) == [enterprise]
        assert AuditBatch.objects.get().rolled_back_at is None and report.ok


class TestChannels:
    def test_cli_dry_run_commit_and_exit_code(self, tmp_path, regency_agency, activity, enterprise, capsys):
        user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="ppu")
        path = write(tmp_path, f"{YEAR},5305.001,{enterprise.nib},,,")
        call_command("import", "beneficiaries", str(path), "--as", user.username, "--no-progress")
        assert not activity.enterprises.exists()
        call_command("import", "beneficiaries", str(path), "--commit", "--as", user.username, "--no-progress")
        assert list(activity.enterprises.all()) == [enterprise]
        assert "no_rollback" in capsys.readouterr().out
        bad = write(tmp_path, f"{YEAR},5305.001,9120000000001,,,", name="bad.csv")
        with pytest.raises(SystemExit) as caught:
            call_command(
                "import", "beneficiaries", str(bad), "--commit", "--as", user.username, "--no-progress"
            )
        assert caught.value.code == 1
        assert "unknown_beneficiary" in capsys.readouterr().out

    def test_cli_template(self, tmp_path):
        out = tmp_path / "templat.csv"
        call_command("import", "template", "beneficiaries", str(out))
        assert out.read_text(encoding="utf-8-sig").splitlines()[-1] == (
            "kode_satker,tahun_anggaran,kode_kegiatan,nib,id_sentra,nama_sentra,kode_wilayah"
        )

    def test_web_upload_offers_and_accepts_the_kind(self, client, regency_agency, activity, enterprise):
        client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
        html = client.get(reverse("web:import_upload")).content.decode()
        assert reverse("web:import_template", kwargs={"kind": "beneficiaries", "fmt": "xlsx"}) in html
        upload = SimpleUploadedFile("p.csv", f"{HEADER}\n{YEAR},5305.001,{enterprise.nib},,,\n".encode())
        client.post(
            reverse("web:import_upload"),
            {"kind": "beneficiaries", "file": upload, "action": "commit"},
            follow=True,
        )
        assert list(activity.enterprises.all()) == [enterprise]

    def test_api_kind_accepted(self, client, regency_agency, activity, centre):
        client.force_login(persona(Role.REGENCY_OFFICER, agency=regency_agency))
        upload = SimpleUploadedFile("p.csv", f"{HEADER}\n{YEAR},5305.001,,{centre.pk},,\n".encode())
        body = client.post("/api/v1/imports/beneficiaries?commit=true", {"file": upload}).json()
        assert body["kind"] == "import_beneficiaries" and body["report"]["created"] == 1, body
        assert client.get("/api/v1/imports/templates/beneficiaries.xlsx").status_code == 200
        assert list(activity.centres.all()) == [centre]

    def test_schema_is_registered(self):
        from sentra.core.import_kinds import schema_class

        assert schema_class("beneficiaries") is BeneficiarySchema
