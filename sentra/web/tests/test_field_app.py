"""The facilitators' phone app at /lapangan/ (issue 16 point 4), server side: who gets the app shell, the
caseload it caches for offline days, the manifest, icons and the service worker it installs."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from sentra.accounts.models import Profile, Role
from sentra.conftest import KUDUS, PPU
from sentra.web.views import field

pytestmark = pytest.mark.django_db


def _user(django_user_model, username, role, agency=None, region=None):
    user = django_user_model.objects.create_user(username=username, password="rahasia-sekali-123")
    Profile.objects.create(
        user=user, role=role, agency=agency, region_id=region or (agency.region_id if agency else None)
    )
    return user


@pytest.fixture
def tpl(django_user_model, regency_agency):
    """A facilitator placed in Kab. Penajam Paser Utara, linked to the user `tpl.ppu`."""
    from sentra.facilitators.tests.factories import FacilitatorFactory

    user = _user(django_user_model, "tpl.ppu", Role.FACILITATOR, agency=regency_agency)
    return FacilitatorFactory(user=user, agency=regency_agency, name="Rahmat Hidayat")


@pytest.fixture
def caseload(tpl, regency_agency):
    """Two enterprises and a centre assigned to `tpl`, one enterprise whose assignment ended, and one
    enterprise of a colleague in the same regency."""
    from sentra.facilitators.tests.factories import AssignmentFactory, FacilitatorFactory
    from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

    mine = [EnterpriseFactory(name="UD Amplang Bu Sri"), EnterpriseFactory(name="CV Tenun Paser")]
    centre = CentreFactory(name="Sentra Amplang Saloloang")
    ended = EnterpriseFactory(name="UD Sudah Lepas")
    colleague = FacilitatorFactory(agency=regency_agency, name="Rekan Sejawat")
    theirs = EnterpriseFactory(name="UD Binaan Rekan")
    for enterprise in mine:
        AssignmentFactory(facilitator=tpl, enterprise=enterprise)
    AssignmentFactory(facilitator=tpl, centre=centre)
    AssignmentFactory(facilitator=tpl, enterprise=ended, ends_on=dt.date(2026, 6, 30))
    AssignmentFactory(facilitator=colleague, enterprise=theirs)
    return {"mine": mine, "centre": centre, "ended": ended, "theirs": theirs}


def test_a_facilitator_gets_the_app_shell(client, tpl):
    client.force_login(tpl.user)
    response = client.get(reverse("web:field_app"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Belum terkirim" in page and "Kirim sekarang" in page
    assert 'id="visit-form"' in page and 'capture="environment"' in page
    assert reverse("web:field_manifest") in page
    # Photo previews are blob: URLs; the rest of the policy stays the site's.
    assert "img-src 'self' data: blob:" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Sentra-Field-Shell"] == "1"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_other_roles_are_told_the_app_is_for_facilitators(client, django_user_model, regency_agency):
    officer = _user(django_user_model, "dinas.ppu", Role.REGENCY_OFFICER, agency=regency_agency)
    client.force_login(officer)
    response = client.get(reverse("web:field_app"))
    assert response.status_code == 403
    assert "hanya untuk pendamping lapangan" in response.content.decode()
    assert client.get(reverse("web:field_data")).status_code == 404


def test_a_facilitator_account_not_linked_yet_is_told_whom_to_ask(client, django_user_model, regency_agency):
    user = _user(django_user_model, "tpl.baru", Role.FACILITATOR, agency=regency_agency)
    client.force_login(user)
    response = client.get(reverse("web:field_app"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "belum tertaut" in page and 'id="visit-form"' not in page
    assert client.get(reverse("web:field_data")).status_code == 404


def test_signed_out_visitors_go_to_the_login(client):
    response = client.get(reverse("web:field_app"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    assert client.get(reverse("web:field_data")).status_code == 302


def test_the_data_holds_the_own_current_caseload_only(client, tpl, caseload):
    client.force_login(tpl.user)
    response = client.get(reverse("web:field_data"))
    assert response.status_code == 200
    data = response.json()
    assert data["user"] == "tpl.ppu"
    assert data["facilitator"]["name"] == "Rahmat Hidayat" and data["facilitator"]["regency"] == PPU
    assert [e["name"] for e in data["enterprises"]] == ["CV Tenun Paser", "UD Amplang Bu Sri"]
    assert [c["name"] for c in data["centres"]] == ["Sentra Amplang Saloloang"]
    first = data["enterprises"][0]
    assert first["village"] and first["version"] >= 1 and set(first["values"]) == set(field.PROPOSAL_FIELDS)
    assert data["csrf_token"]
    assert {k["value"] for k in data["kinds"]} >= {"coaching", "monitoring"}


def test_the_data_leaves_out_a_colleague_in_another_regency(client, tpl, kudus_agency):
    from sentra.facilitators.tests.factories import AssignmentFactory, FacilitatorFactory
    from sentra.registry.tests.factories import EnterpriseFactory

    kudus = FacilitatorFactory(agency=kudus_agency, home_region_id=KUDUS)
    AssignmentFactory(facilitator=kudus, enterprise=EnterpriseFactory(village_id="33.19.01.2001"))
    client.force_login(tpl.user)
    assert client.get(reverse("web:field_data")).json()["enterprises"] == []


def test_the_manifest_makes_the_app_installable_at_lapangan(client):
    response = client.get(reverse("web:field_manifest"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/lapangan/" and manifest["scope"] == "/lapangan/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert sizes == {"192x192", "512x512"}


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_pngs_of_their_size(client, size):
    from PIL import Image

    response = client.get(reverse("web:field_icon", args=[size]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (size, size)


def test_an_icon_of_another_size_is_not_found(client):
    assert client.get(reverse("web:field_icon", args=[100])).status_code == 404


def test_the_service_worker_is_served_for_the_scope_lapangan(client, tmp_path, monkeypatch):
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    monkeypatch.setattr(field, "BUILD_DIR", tmp_path)
    response = client.get(reverse("web:field_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/lapangan/"
    assert response["Cache-Control"] == "no-cache"
    assert b"addEventListener" in response.content


def test_without_a_build_the_service_worker_says_how_to_build_it(client, tpl, tmp_path, monkeypatch):
    monkeypatch.setattr(field, "BUILD_DIR", tmp_path)
    response = client.get(reverse("web:field_sw"))
    assert response.status_code == 404 and b"scripts/build-assets" in response.content
    client.force_login(tpl.user)
    page = client.get(reverse("web:field_app")).content.decode()
    assert "scripts/build-assets" in page and "field-build/app.js" not in page


def test_the_menu_shows_the_app_to_facilitators_only(client, tpl, django_user_model, regency_agency):
    client.force_login(tpl.user)
    assert 'data-nav="field_app"' in client.get(reverse("web:dashboard")).content.decode()
    officer = _user(django_user_model, "dinas.ppu", Role.REGENCY_OFFICER, agency=regency_agency)
    client.force_login(officer)
    assert 'data-nav="field_app"' not in client.get(reverse("web:dashboard")).content.decode()
