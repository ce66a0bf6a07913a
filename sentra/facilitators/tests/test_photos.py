"""Visit photos: only real JPEG/PNG/WebP, not too large, re-encoded without metadata, stored once."""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sentra.core.errors import DomainError, NotFound
from sentra.facilitators import photos, visits
from sentra.facilitators.models import VisitPhoto

from .test_visits import body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def visit(tpl, facilitator, placement, contract):
    return visits.record_visit(tpl, body())[0]


def image_bytes(fmt="JPEG", size=(80, 60), mode="RGB", exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new(mode, size, (10, 120, 200) if mode == "RGB" else (10, 120, 200, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    exif[0x013B] = "Nur Aisyah"  # Artist: personal data that must not be kept
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif.get_ifd(0x8769)[0x9003] = "2026:11:14 09:31:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (1.0, 15.0, 0.0)  # 1°15' S
    gps[3], gps[4] = "E", (116.0, 42.0, 0.0)  # 116°42' E
    return exif


def add(actor, visit, data: bytes, name="foto.jpg", client_id=None, **kwargs):
    return photos.add_photo(
        actor,
        visit_client_id=visit.client_id,
        client_id=client_id or uuid.uuid4(),
        upload=SimpleUploadedFile(name, data),
        **kwargs,
    )


def test_a_photo_is_re_encoded_to_jpeg_without_any_metadata(tpl, visit, media):
    photo, created = add(tpl, visit, image_bytes(size=(80, 60), exif=camera_exif()))
    assert created
    stored = photo.image.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (60, 80)  # the orientation was applied before the EXIF went
    assert b"KameraMerek" not in stored and b"Nur Aisyah" not in stored
    assert (photo.width, photo.height, photo.size_bytes) == (60, 80, len(stored))
    # time and place were read from the EXIF (the form gave none) and kept in the model's fields
    assert photo.taken_at == dt.datetime(2026, 11, 14, 9, 31, tzinfo=photo.taken_at.tzinfo)
    assert (photo.latitude, photo.longitude) == (Decimal("-1.250000"), Decimal("116.700000"))


def test_the_forms_time_and_place_win_over_the_exif(tpl, visit):
    taken = dt.datetime(2026, 11, 14, 10, 0, tzinfo=dt.UTC)
    photo, _ = add(
        tpl, visit, image_bytes(exif=camera_exif()), taken_at=taken, latitude=-1.3, longitude=116.8
    )
    assert photo.taken_at == taken and photo.latitude == Decimal("-1.300000")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(tpl, visit, fmt):
    photo, created = add(tpl, visit, image_bytes(fmt, mode="RGBA"), name="foto")
    assert created
    with Image.open(photo.image) as image:
        assert image.format == "JPEG" and image.mode == "RGB"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"%PDF-1.4 bukan foto\n%%EOF", "file_type_mismatch"),
        (b"\xff\xd8\xff\xe0 potongan JPEG yang rusak", "file_type_mismatch"),
        (image_bytes("GIF"), "file_type_mismatch"),
        (image_bytes("PNG", size=(2561, 10)), "too_large"),
        (os.urandom(2 * 1024 * 1024 + 1), "too_large"),
    ],
)
def test_what_is_not_a_photo_or_too_large_is_refused_and_nothing_stored(tpl, visit, media, data, code):
    with pytest.raises(DomainError) as caught:
        add(tpl, visit, data)
    assert caught.value.code == code
    assert caught.value.errors[0].field == "file" and caught.value.errors[0].message
    assert VisitPhoto.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*"))


def test_a_long_side_of_exactly_2560_is_accepted(tpl, visit):
    photo, created = add(tpl, visit, image_bytes("PNG", size=(2560, 10)))
    assert created and photo.width == 2560


def test_the_same_photo_client_id_again_stores_nothing(tpl, visit, media):
    key = uuid.uuid4()
    first, created = add(tpl, visit, image_bytes(), client_id=key)
    again, created_again = add(tpl, visit, image_bytes(size=(30, 30)), client_id=key)
    assert created and not created_again and again.pk == first.pk
    assert VisitPhoto.objects.count() == 1
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


def test_a_photo_client_id_of_another_visit_is_refused(tpl, visit):
    other = visits.record_visit(tpl, body())[0]
    key = uuid.uuid4()
    add(tpl, visit, image_bytes(), client_id=key)
    with pytest.raises(DomainError) as caught:
        add(tpl, other, image_bytes(), client_id=key)
    assert caught.value.code == "client_id_in_use"


def test_a_visit_the_actor_does_not_read_is_not_found(visit, colleague_actor, kudus_officer):
    for stranger in (colleague_actor, kudus_officer):
        with pytest.raises(NotFound):
            add(stranger, visit, image_bytes())
    assert VisitPhoto.objects.count() == 0
