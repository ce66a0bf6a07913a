"""An uploaded document is what its content says, whatever its name (core/uploads.py)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from sentra.core.errors import DomainError
from sentra.core.uploads import MAX_IMAGE_PIXELS, check_upload, sha256_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def image(fmt: str, size=(4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt)
    return out.getvalue()


def office(parts: dict[str, bytes | str], main: str | None = None, main_part: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if main:
            archive.writestr(
                "[Content_Types].xml",
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Override PartName="/{main_part}" ContentType="{main}"/></Types>',
            )
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx() -> bytes:
    return office({"word/document.xml": "<w:document/>"}, DOCX_MAIN, "word/document.xml")


def xlsx() -> bytes:
    return office({"xl/workbook.xml": "<workbook/>"}, XLSX_MAIN, "xl/workbook.xml")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refused(name: str, data: bytes, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_upload(upload(name, data), **kwargs)
    error = caught.value
    assert error.errors and error.errors[0].field == kwargs.get("field", "file")
    return error


class TestWhatIsAccepted:
    @pytest.mark.parametrize(
        ("name", "data", "expected"),
        [
            ("undangan.pdf", PDF, ("application/pdf", "pdf")),
            ("foto.PNG", image("PNG"), ("image/png", "png")),
            ("foto.jpeg", image("JPEG"), ("image/jpeg", "jpg")),
            ("foto.jpg", image("JPEG"), ("image/jpeg", "jpg")),
            ("animasi.gif", image("GIF"), ("image/gif", "gif")),
            ("notulen.docx", docx(), (DOCX_TYPE, "docx")),
            ("daftar hadir.xlsx", xlsx(), (XLSX_TYPE, "xlsx")),
        ],
    )
    def test_a_file_that_is_what_its_name_says(self, name, data, expected):
        assert check_upload(upload(name, data)) == expected

    def test_the_file_is_read_from_its_start_again_afterwards(self):
        file = upload("a.pdf", PDF)
        check_upload(file)
        assert file.read() == PDF

    def test_the_sha256_is_that_of_the_bytes(self):
        import hashlib

        assert sha256_of(upload("a.pdf", PDF)) == hashlib.sha256(PDF).hexdigest()


class TestNotWhatItsNameSays:
    def test_a_pdf_named_png(self):
        error = refused("foto.png", PDF)
        assert error.code == "file_type_mismatch"
        assert ".png" in error.message and "PDF" in error.message

    def test_a_png_named_pdf(self):
        error = refused("undangan.pdf", image("PNG"))
        assert error.code == "file_type_mismatch" and "bukan PDF" in error.message

    def test_a_jpeg_named_png(self):
        assert refused("foto.png", image("JPEG")).code == "file_type_mismatch"

    def test_a_zip_named_docx_without_word_document_xml(self):
        bare = office({"readme.txt": "hello"})
        assert refused("notulen.docx", bare).code == "file_type_mismatch"
        # the content types declare the document, but the part itself is missing
        hollow = office({"word/styles.xml": "<w:styles/>"}, DOCX_MAIN, "word/document.xml")
        assert refused("notulen.docx", hollow).code == "file_type_mismatch"

    def test_a_workbook_named_docx(self):
        assert refused("notulen.docx", xlsx()).code == "file_type_mismatch"

    def test_a_pdf_cut_off_before_its_end_marker(self):
        assert refused("undangan.pdf", b"%PDF-1.7\n" + b"x" * 5000).code == "file_type_mismatch"

    def test_a_png_whose_pixel_data_is_damaged(self):
        data = bytearray(image("PNG", (40, 30)))
        data[data.index(b"IDAT") + 8] ^= 0xFF  # the checksum no longer matches
        assert refused("foto.png", bytes(data)).code == "file_type_mismatch"

    def test_a_png_with_only_its_signature(self):
        assert refused("foto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100).code == "file_type_mismatch"

    def test_a_broken_zip_named_xlsx(self):
        assert refused("data.xlsx", b"PK\x03\x04" + b"\0" * 200).code == "file_type_mismatch"

    def test_a_macro_enabled_document_is_not_taken(self):
        macro = office(
            {"word/document.xml": "<w:document/>"},
            "application/vnd.ms-word.document.macroEnabled.main+xml",
            "word/document.xml",
        )
        assert refused("notulen.docx", macro).code == "file_type_not_allowed"


class TestRefusedBeforeReading:
    def test_an_empty_file(self):
        error = refused("undangan.pdf", b"")
        assert error.code == "file_empty" and "kosong" in error.message

    def test_an_extension_not_allowed(self):
        assert refused("skrip.html", b"<script>").code == "file_type_not_allowed"
        assert refused("tanpa-ekstensi", PDF).code == "file_type_not_allowed"

    def test_a_kind_the_caller_does_not_allow(self):
        error = refused("notulen.docx", docx(), allowed=("pdf", "image"), field="scan")
        assert error.code == "file_type_not_allowed" and ".pdf" in error.message
        assert refused("a.gif", image("GIF"), allowed=("pdf", "png", "jpeg")).code == "file_type_not_allowed"

    @override_settings(SENTRA_UPLOAD_MAX_BYTES={"pdf": 1000, "image": 10, "docx": 10, "xlsx": 10})
    def test_too_large_for_its_kind(self):
        assert check_upload(upload("a.pdf", PDF + b" " * (1000 - len(PDF))))  # exactly the limit
        error = refused("a.pdf", PDF + b" " * (1001 - len(PDF)))
        assert error.code == "file_too_large" and "MB" in error.message

    def test_a_callers_own_limit(self):
        assert refused("a.pdf", PDF, limit=len(PDF) - 1).code == "file_too_large"


class TestBombs:
    def test_a_zip_bomb_named_docx_is_refused_from_its_directory(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", f'<Override ContentType="{DOCX_MAIN}"/>')
            blank = b" " * (50 * 1024 * 1024)  # 50 MB of spaces pack to about 50 KB
            archive.writestr("word/document.xml", b"<w:document>" + blank + b"</w:document>")
        error = refused("notulen.docx", out.getvalue())
        assert error.code == "compression_ratio" and ".docx" in error.message

    @pytest.mark.parametrize(("width", "height"), [(9_000, 9_500), (20_000, 20_000)])
    def test_an_image_of_too_many_pixels(self, width, height):
        # A PNG header that declares more pixels than the limit (the first below Pillow's own bomb
        # warning, the second far above): refused before any pixel is unpacked.
        assert width * height > MAX_IMAGE_PIXELS
        assert refused("foto.png", png_declaring(width, height)).code == "image_too_large"


def png_declaring(width: int, height: int) -> bytes:
    data = image("PNG", (1, 1))
    chunk = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]
