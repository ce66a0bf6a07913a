"""The accounts commands: `export --as` obeys scope, `create-user` makes a working login, `token`."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sentra.accounts.models import ApiToken, Profile, Role
from sentra.accounts.tests.factories import persona
from sentra.conftest import KUDUS, PPU
from sentra.regions.models import Region
from sentra.registry.tests.factories import AgencyFactory, CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

STRONG = "Anyaman-rotan-2026"


def a_village_of(regency: str) -> str:
    return (
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=regency + ".")
        .order_by("code")[0]
        .code
    )


@pytest.fixture
def two_regencies(regency_agency):
    kudus = AgencyFactory(
        name="Dinas Perindustrian Kabupaten Kudus", kind="regency_industry", region_id=KUDUS
    )
    EnterpriseFactory(name="Amplang Bu Sri", agency=regency_agency)  # Saloloang, PPU
    EnterpriseFactory(name="Jenang Kudus Mubarok", agency=kudus, village_id=a_village_of(KUDUS))
    CentreFactory(name="Sentra Amplang Penajam", agency=regency_agency)
    CentreFactory(name="Sentra Bordir Kudus", agency=kudus, village_id=a_village_of(KUDUS))
    return regency_agency


def export(*args):
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def csv_names(path, column):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


# --- export -------------------------------------------------------------------------------------


def test_a_regency_officers_export_holds_only_their_regencys_rows(two_regencies, tmp_path):
    persona(Role.REGENCY_OFFICER, agency=two_regencies, username="dinas.ppu")

    message = export("enterprises", str(tmp_path / "ikm.csv"), "--as", "dinas.ppu")
    export("centres", str(tmp_path / "sentra.csv"), "--as", "dinas.ppu")

    assert csv_names(tmp_path / "ikm.csv", "Nama usaha") == ["Amplang Bu Sri"]
    assert csv_names(tmp_path / "sentra.csv", "Nama sentra") == ["Sentra Amplang Penajam"]
    assert "1 baris" in message and "dinas.ppu" in message


def test_the_ministry_exports_everything_and_may_narrow_by_region(two_regencies, user, tmp_path):
    export("enterprises", str(tmp_path / "all.csv"), "--as", user.username)
    export("enterprises", str(tmp_path / "kudus.csv"), "--as", user.username, "--region", KUDUS)

    assert sorted(csv_names(tmp_path / "all.csv", "Nama usaha")) == ["Amplang Bu Sri", "Jenang Kudus Mubarok"]
    assert csv_names(tmp_path / "kudus.csv", "Nama usaha") == ["Jenang Kudus Mubarok"]


def test_an_xlsx_export_is_scoped_too(two_regencies, tmp_path):
    persona(Role.REGENCY_OFFICER, agency=two_regencies, username="dinas.ppu")

    export("enterprises", str(tmp_path / "ikm.xlsx"), "--as", "dinas.ppu")

    rows = list(load_workbook(tmp_path / "ikm.xlsx", read_only=True).active.iter_rows(values_only=True))
    assert rows[0][1] == "Nama usaha"
    assert [row[1] for row in rows[1:]] == ["Amplang Bu Sri"]


def test_a_region_outside_the_users_own_is_refused(two_regencies, tmp_path):
    persona(Role.REGENCY_OFFICER, agency=two_regencies, username="dinas.ppu")

    with pytest.raises(CommandError, match="di luar wilayah kerja"):
        export("enterprises", str(tmp_path / "x.csv"), "--as", "dinas.ppu", "--region", KUDUS)
    assert not (tmp_path / "x.csv").exists()


def test_an_unknown_as_user_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="siapa.saja.*tidak dikenal"):
        export("enterprises", str(tmp_path / "x.csv"), "--as", "siapa.saja")
    assert not (tmp_path / "x.csv").exists()


def test_export_requires_as(tmp_path):
    with pytest.raises(CommandError):
        export("enterprises", str(tmp_path / "x.csv"))


def test_export_needs_a_csv_or_xlsx_name(user, tmp_path):
    with pytest.raises(CommandError, match=".csv atau .xlsx"):
        export("enterprises", str(tmp_path / "x.txt"), "--as", user.username)


# --- create-user --------------------------------------------------------------------------------


def create_user(*args, password=STRONG, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_user", *args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_the_first_administrator_is_a_superuser_with_a_working_login(client, monkeypatch):
    create_user("admin", "--role", "ministry_admin", "--superuser", monkeypatch=monkeypatch)

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert (admin.profile.role, admin.profile.region_id, admin.profile.manages_users) == (
        Role.MINISTRY_ADMIN,
        None,
        True,
    )
    assert client.login(username="admin", password=STRONG)
    assert client.get("/akun/pengguna/").status_code == 200


def test_a_regional_user_takes_the_region_of_their_agency(regency_agency, monkeypatch):
    create_user(
        "dinas.ppu", "--role", "regency_officer", "--agency", str(regency_agency.pk), monkeypatch=monkeypatch
    )

    profile = Profile.objects.get(user__username="dinas.ppu")
    assert (profile.role, profile.region_id, profile.manages_users) == (Role.REGENCY_OFFICER, PPU, False)


def test_create_user_enforces_the_password_rules(monkeypatch):
    with pytest.raises(CommandError, match="terlalu pendek"):
        create_user("admin", "--role", "ministry_admin", password="pendek", monkeypatch=monkeypatch)
    assert not get_user_model().objects.filter(username="admin").exists()


def test_create_user_as_a_province_administrator_obeys_their_limits(regency_agency, monkeypatch):
    kaltim = AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64")
    persona(Role.PROVINCE_OFFICER, agency=kaltim, username="disperindag.kaltim", manages_users=True)

    with pytest.raises(CommandError, match="wilayah kerja"):
        create_user(
            "menteri", "--role", "ministry_admin", "--as", "disperindag.kaltim", monkeypatch=monkeypatch
        )
    create_user(
        "tpl.ppu",
        "--role",
        "facilitator",
        "--agency",
        str(regency_agency.pk),
        "--as",
        "disperindag.kaltim",
        monkeypatch=monkeypatch,
    )
    assert Profile.objects.get(user__username="tpl.ppu").region_id == PPU


def test_an_unknown_agency_is_a_clear_error(monkeypatch):
    with pytest.raises(CommandError, match="Instansi dengan ID 999999 tidak ada"):
        create_user("x", "--role", "viewer", "--agency", "999999", monkeypatch=monkeypatch)


# --- token --------------------------------------------------------------------------------------


def test_token_create_prints_the_key_once_and_revoke_stops_it(client, regency_agency):
    persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")
    out, err = io.StringIO(), io.StringIO()

    call_command("token", "create", "dinas.ppu", "Skrip rekap", stdout=out, stderr=err)

    key = out.getvalue().strip()
    token = ApiToken.objects.get(user__username="dinas.ppu")
    assert key.startswith(token.prefix) and "tidak akan ditampilkan lagi" in err.getvalue()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/enterprises", headers=headers).status_code == 200

    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())

    assert client.get("/api/v1/enterprises", headers=headers).status_code == 401


def test_token_commands_fail_clearly():
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("token", "create", "siapa", "x")
    with pytest.raises(CommandError, match="Token tidak ditemukan"):
        call_command("token", "revoke", "999999")
