"""/api/v1/visits: the phone's sync (a batch with client ids, replayed, cut half-way), reads, photos."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sentra.facilitators.models import Visit, VisitPhoto

from .test_visits import KUDUS_POINT, body, make_amplang

pytestmark = pytest.mark.django_db

API = "/api/v1/visits"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def working(facilitator, placement, contract):
    return facilitator


@pytest.fixture
def amplang(ppu_dinas):
    return make_amplang(ppu_dinas)


def as_user(client, user):
    client.force_login(user)
    return client


def sync(client, items):
    return client.post(API, data=json.dumps({"visits": items}, default=str), content_type="application/json")


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_a_batch_answers_one_result_per_visit_in_order(client, tpl_user, working, amplang):
    phone = as_user(client, tpl_user)
    items = [
        body(enterprise_ids=[amplang.pk]),
        body(latitude=str(KUDUS_POINT[0]), longitude=str(KUDUS_POINT[1])),
    ]
    response = sync(phone, items)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["client_id"] for r in results] == [i["client_id"] for i in items]
    assert [r["status"] for r in results] == ["created", "created"]
    assert results[0]["warnings"] == [] and results[0]["errors"] == []
    assert [w["code"] for w in results[1]["warnings"]] == ["outside_placement"]
    assert Visit.objects.filter(pk=results[0]["id"]).exists()


def test_the_same_batch_twice_still_the_same_visits(client, tpl_user, working):
    phone = as_user(client, tpl_user)
    items = [body() for _ in range(4)]
    first = sync(phone, items).json()["results"]
    second = sync(phone, items).json()["results"]
    assert [r["status"] for r in second] == ["existing"] * 4
    assert [r["id"] for r in second] == [r["id"] for r in first]
    assert Visit.objects.count() == 4


def test_half_a_batch_then_the_full_batch(client, tpl_user, working):
    phone = as_user(client, tpl_user)
    items = [body() for _ in range(6)]
    sync(phone, items[:3])
    results = sync(phone, items).json()["results"]
    assert [r["status"] for r in results] == ["existing"] * 3 + ["created"] * 3
    assert Visit.objects.count() == 6


def test_a_malformed_item_is_an_error_of_its_own_not_a_422_of_the_batch(client, tpl_user, working):
    phone = as_user(client, tpl_user)
    broken = body(visited_at="kemarin sore", enterprise_ids="semua")
    future = body(visited_at="2027-01-01T10:00:00+08:00")
    response = sync(phone, [broken, future, body()])
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["error", "error", "created"]
    assert {e["field"] for e in results[0]["errors"]} == {"visited_at", "enterprise_ids"}
    assert [e["code"] for e in results[1]["errors"]] == ["future_date"]
    assert results[0]["client_id"] == broken["client_id"] and results[0]["id"] is None
    assert Visit.objects.count() == 1


def test_more_than_200_visits_is_a_400_with_its_code(client, tpl_user, working):
    response = sync(as_user(client, tpl_user), [body() for _ in range(201)])
    assert response.status_code == 400 and response.json()["code"] == "too_many_visits"
    assert Visit.objects.count() == 0


def test_without_credentials_401_and_a_viewer_may_not_sync(client, working, viewer):
    assert sync(client, [body()]).status_code == 401
    from django.contrib.auth import get_user_model

    viewer_user = get_user_model().objects.get(username=viewer.username)
    assert sync(as_user(client, viewer_user), [body()]).status_code == 403
    assert Visit.objects.count() == 0


def test_reads_follow_the_scope_rule(client, tpl_user, working, colleague, ppu_officer_user, kudus_agency):
    from sentra.accounts.models import Role
    from sentra.accounts.tests.factories import persona

    phone = as_user(client, tpl_user)
    created = sync(phone, [body(), body(latitude=str(KUDUS_POINT[0]), longitude=str(KUDUS_POINT[1]))])
    first_id = created.json()["results"][0]["id"]
    listed = phone.get(API).json()
    assert listed["count"] == 2 and listed["results"][0]["kind"] == "coaching"
    detail = phone.get(f"{API}/{first_id}")
    assert detail.status_code == 200 and detail.json()["actions"] == []
    dinas = as_user(client, ppu_officer_user)
    assert dinas.get(API, {"flagged": "true"}).json()["count"] == 1
    assert dinas.get(API, {"from": "2026-11-15"}).json()["count"] == 0
    assert dinas.get(API, {"from": "2026-11-14", "to": "2026-11-14", "kind": "coaching"}).json()["count"] == 2
    assert dinas.get(API, {"facilitator": colleague.pk}).json()["count"] == 0
    assert as_user(client, colleague.user).get(f"{API}/{first_id}").status_code == 404
    kudus = as_user(client, persona(Role.REGENCY_OFFICER, agency=kudus_agency, username="dinas.kudus.api"))
    assert kudus.get(f"{API}/{first_id}").status_code == 404
    assert kudus.get(API).json()["count"] == 0


def test_a_photo_is_stored_once_and_answers_existing_after(client, tpl_user, working):
    phone = as_user(client, tpl_user)
    visit_body = body()
    sync(phone, [visit_body])
    form = {
        "client_id": str(uuid.uuid4()),
        "visit_client_id": visit_body["client_id"],
        "taken_at": "2026-11-14T09:35:00+08:00",
        "latitude": "-1.25",
        "longitude": "116.7",
        "caption": "Etalase amplang",
    }
    first = phone.post(f"{API}/photos", {**form, "file": SimpleUploadedFile("a.png", png(), "image/png")})
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "created"
    again = phone.post(f"{API}/photos", {**form, "file": SimpleUploadedFile("a.png", png(), "image/png")})
    assert again.status_code == 200 and again.json() == {"id": first.json()["id"], "status": "existing"}
    assert VisitPhoto.objects.count() == 1
    detail = phone.get(f"{API}/{Visit.objects.get().pk}").json()
    assert [p["caption"] for p in detail["photos"]] == ["Etalase amplang"]


def test_a_photo_of_an_unknown_visit_is_404_and_a_bad_file_422_with_its_code(
    client, tpl_user, working, colleague
):
    phone = as_user(client, tpl_user)
    visit_body = body()
    sync(phone, [visit_body])
    unknown = phone.post(
        f"{API}/photos",
        {
            "client_id": str(uuid.uuid4()),
            "visit_client_id": str(uuid.uuid4()),
            "file": SimpleUploadedFile("a.png", png()),
        },
    )
    assert unknown.status_code == 404
    not_image = phone.post(
        f"{API}/photos",
        {
            "client_id": str(uuid.uuid4()),
            "visit_client_id": visit_body["client_id"],
            "file": SimpleUploadedFile("foto.jpg", b"%PDF-1.4 bukan foto %%EOF", "image/jpeg"),
        },
    )
    assert not_image.status_code == 422, not_image.content
    assert not_image.json()["code"] == "file_type_mismatch"
    assert not_image.json()["detail"][0]["loc"] == ["form", "file"]
    other = as_user(client, colleague.user).post(
        f"{API}/photos",
        {
            "client_id": str(uuid.uuid4()),
            "visit_client_id": visit_body["client_id"],
            "file": SimpleUploadedFile("a.png", png()),
        },
    )
    assert other.status_code == 404
    assert VisitPhoto.objects.count() == 0


def test_the_openapi_document_lists_the_visit_operations_with_int_status_keys(client, tpl_user):
    document = as_user(client, tpl_user).get("/api/v1/openapi.json").json()
    photos = document["paths"]["/api/v1/visits/photos"]["post"]["responses"]
    assert {"200", "201", "404", "422"} <= set(photos)
    assert set(document["paths"]["/api/v1/visits"]) == {"get", "post"}
