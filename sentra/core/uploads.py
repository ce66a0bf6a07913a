"""What an uploaded document is, decided by its content, not by its name (issue 15: "an upload that is
not what its name says or is too large").

`check_upload(upload, allowed=...)` returns (content_type, extension) of a file that is what its name
says, of a kind in `allowed` and not above that kind's size limit; otherwise it raises a DomainError
on `field` with one of these codes:

- `file_empty`: the file has no bytes;
- `file_type_not_allowed`: its name's extension is not one of the allowed kinds (or it is a
  macro-enabled Office file, which Sentra never stores);
- `file_too_large`: above the kind's limit (settings.SENTRA_UPLOAD_MAX_BYTES, per kind);
- `file_type_mismatch`: the content is not what the name says ("berkas bernama .pdf tetapi isinya
  bukan PDF"): a PDF named .png, a ZIP named .docx without word/document.xml, a broken image;
- the ZIP bounds of core/xlsx_guard.py for DOCX and XLSX (`too_many_parts`, `compression_ratio`,
  `file_too_large_unpacked`): a zip bomb is refused from its central directory before anything is
  unpacked;
- `image_too_large`: an image of more than MAX_IMAGE_PIXELS pixels (a decompression bomb).

How each kind is recognised:
- PDF: the header `%PDF-` at the start and an end-of-file marker `%%EOF` near the end (a PDF cut
  off in transit has none);
- PNG, JPEG, GIF: the format's signature, then Pillow opens and verifies the image;
- DOCX, XLSX: a ZIP archive within the xlsx_guard bounds, holding [Content_Types].xml that declares
  the main part (word/document.xml resp. xl/workbook.xml) with the plain, not macro-enabled, type,
  and that part present.

Domain-free: core does not know what the document is for; the domain picks the allowed kinds and
stores the file (coordination/documents.py, the centre decree scan).
"""

from __future__ import annotations

import hashlib
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError, FieldError

PDF, IMAGE, DOCX, XLSX = "pdf", "image", "docx", "xlsx"
ALL_KINDS = (PDF, IMAGE, DOCX, XLSX)
# Above this an image is a decompression bomb, not a scan: an A4 page at 600 dpi is 35 million.
# Below Pillow's own warning (89 million), so this check, with its message, is the one that answers.
MAX_IMAGE_PIXELS = 80_000_000
PDF_TAIL = 2048  # %%EOF lies within the last bytes (followed at most by a line end or some padding)
CONTENT_TYPES_PART = "[Content_Types].xml"
MAX_CONTENT_TYPES = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str  # pdf, png, jpeg, gif, docx, xlsx
    kind: str  # the size-limit and allowed-list group: pdf, image, docx, xlsx
    content_type: str
    extension: str
    label: str


TYPES = {
    t.key: t
    for t in (
        FileType("pdf", PDF, "application/pdf", "pdf", "PDF"),
        FileType("png", IMAGE, "image/png", "png", "PNG"),
        FileType("jpeg", IMAGE, "image/jpeg", "jpg", "JPEG"),
        FileType("gif", IMAGE, "image/gif", "gif", "GIF"),
        FileType(
            "docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "DOCX (Word)",
        ),
        FileType(
            "xlsx",
            XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "XLSX (Excel)",
        ),
    )
}
# What a name's extension claims.
EXTENSIONS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "docx": "docx",
    "xlsx": "xlsx",
}
# The main part of an Office file and the content type [Content_Types].xml gives it.
OFFICE_MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
MACRO_ENABLED = b"macroEnabled"


def max_bytes(kind: str) -> int:
    return settings.SENTRA_UPLOAD_MAX_BYTES[kind]


def _mb(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


def _refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(message, code=code, errors=[FieldError(field, message, code)])


def _extension(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    return size


def _is_allowed(key: str, allowed: Iterable[str]) -> bool:
    """`allowed` names kinds (pdf, image, docx, xlsx) or single types (png, jpeg…)."""
    return key in allowed or TYPES[key].kind in allowed


def allowed_extensions(allowed: Iterable[str]) -> list[str]:
    allowed = tuple(allowed)
    return [ext for ext, key in EXTENSIONS.items() if _is_allowed(key, allowed)]


def check_upload(
    upload: Any,
    *,
    allowed: Iterable[str] = ALL_KINDS,  # kinds (pdf, image, docx, xlsx) or types (png, jpeg…)
    field: str = "file",
    limit: int | None = None,
) -> tuple[str, str]:
    """(content_type, extension) of an upload that is what its name says; else DomainError (codes in
    the module doc). `upload`: a file-like object with `name` (a Django UploadedFile); `limit`
    replaces the kind's limit from settings when a caller has its own (the decree scan's 5 MB)."""
    allowed = tuple(allowed)
    name = getattr(upload, "name", "") or ""
    shown = name.rsplit("/", 1)[-1]
    claimed_key = EXTENSIONS.get(_extension(name))
    accepted = ", ".join(f".{ext}" for ext in allowed_extensions(allowed))
    if claimed_key is None or not _is_allowed(claimed_key, allowed):
        raise _refuse(
            "file_type_not_allowed",
            _("Berkas “%(name)s” tidak dapat diterima: jenis yang diterima %(accepted)s.")
            % {"name": shown, "accepted": accepted},
            field,
        )
    claimed = TYPES[claimed_key]
    size = _size(upload)
    if size == 0:
        raise _refuse("file_empty", _("Berkas “%(name)s” kosong (0 bita).") % {"name": shown}, field)
    most = limit if limit is not None else max_bytes(claimed.kind)
    if size > most:
        raise _refuse(
            "file_too_large",
            _("Berkas “%(name)s” berukuran %(size)s MB; paling besar %(limit)s MB untuk %(label)s.")
            % {"name": shown, "size": _mb(size), "limit": _mb(most), "label": claimed.label},
            field,
        )
    try:
        actual = _sniff(upload, claimed, field)
    finally:
        upload.seek(0)
    if actual != claimed.key:
        found = TYPES[actual].label if actual else None
        message = (
            _("Berkas “%(name)s” bernama .%(ext)s tetapi isinya %(found)s, bukan %(label)s.")
            if found
            else _("Berkas “%(name)s” bernama .%(ext)s tetapi isinya bukan %(label)s (atau berkasnya rusak).")
        )
        raise _refuse(
            "file_type_mismatch",
            message % {"name": shown, "ext": _extension(name), "found": found, "label": claimed.label},
            field,
        )
    return claimed.content_type, claimed.extension


def _sniff(handle: IO[bytes], claimed: FileType, field: str) -> str | None:
    """The type key the content shows, None when it is none of them (or is broken)."""
    handle.seek(0)
    head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf" if _pdf_has_trailer(handle) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(handle, "png", "PNG", field)
    if head.startswith(b"\xff\xd8\xff"):
        return _image(handle, "jpeg", "JPEG", field)
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _image(handle, "gif", "GIF", field)
    if head.startswith(b"PK\x03\x04"):
        return _office(handle, claimed, field)
    return None


def _pdf_has_trailer(handle: IO[bytes]) -> bool:
    handle.seek(0, 2)
    end = handle.tell()
    handle.seek(max(0, end - PDF_TAIL))
    return b"%%EOF" in handle.read()


def _image(handle: IO[bytes], key: str, pillow_format: str, field: str) -> str | None:
    from PIL import Image

    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as image:
                if image.format != pillow_format:
                    return None
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse(
                        "image_too_large",
                        _("Gambar berukuran %(w)s × %(h)s piksel; paling besar %(limit)s juta piksel.")
                        % {"w": width, "h": height, "limit": MAX_IMAGE_PIXELS // 1_000_000},
                        field,
                    )
                image.verify()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            "image_too_large",
            _("Gambar ini terlalu besar untuk dibuka (lebih dari %(limit)s juta piksel).")
            % {"limit": MAX_IMAGE_PIXELS // 1_000_000},
            field,
        ) from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file: all mean "not an image"
        return None
    return key


def _office(handle: IO[bytes], claimed: FileType, field: str) -> str | None:
    """docx or xlsx when the ZIP holds that Office document (bounds of core.xlsx_guard checked first
    from the central directory); None otherwise."""
    from .imports import ImportFileError
    from .xlsx_guard import GuardedZipFile, inspect

    handle.seek(0)
    try:
        inspect(handle).close()
    except ImportFileError as exc:
        raise _refuse(exc.code, _zip_message(exc, claimed), field) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    handle.seek(0)
    try:
        with GuardedZipFile(handle) as archive:
            names = set(archive.namelist())
            if CONTENT_TYPES_PART not in names:
                return None
            info = archive.getinfo(CONTENT_TYPES_PART)
            if info.file_size > MAX_CONTENT_TYPES:
                return None
            with archive.open(info) as part:
                declared = part.read()
    except ImportFileError as exc:
        raise _refuse(exc.code, _zip_message(exc, claimed), field) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None
    if MACRO_ENABLED in declared:
        raise _refuse(
            "file_type_not_allowed",
            _("Berkas “%(name)s” berisi makro (dokumen Office dengan makro tidak diterima).")
            % {"name": (getattr(handle, "name", "") or "").rsplit("/", 1)[-1]},
            field,
        )
    for key, (part_name, content_type) in OFFICE_MAIN.items():
        if part_name in names and content_type.encode() in declared:
            return key
    return None


def _zip_message(exc: Any, claimed: FileType) -> str:
    """The guard speaks of .xlsx (it was written for imports); an upload may be a .docx."""
    if claimed.extension == "xlsx":
        return exc.message
    return _(
        "Berkas .%(ext)s ini tidak wajar setelah dibuka (%(detail)s). Simpan ulang dari aplikasinya "
        "dan unggah kembali."
    ) % {"ext": claimed.extension, "detail": exc.code}


def sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    for chunk in chunks:
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
