"""XLSX files built part by part, their big parts deflated as they are generated (never held whole):
the upload bombs of sentra/core/tests/test_upload_bombs.py and bench/upload_memory.py."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)


def _cell(ref: str, value: int | str) -> str:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if value.startswith("#"):
        return f'<c r="{ref}" t="s"><v>{value[1:]}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: list[list[int | str]], padding: Iterable[bytes] = ()) -> Iterable[bytes]:
    """A worksheet of `rows` (str: inline string, "#N": shared string N, int: number), with the
    chunks of `padding` (whitespace, say) written between the rows and </sheetData>."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    for number, cells in enumerate(rows, start=1):
        refs = "".join(_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(cells))
        yield f'<row r="{number}">{refs}</row>'.encode()
    yield from padding
    yield b"</sheetData></worksheet>"


def shared_strings_xml(strings: list[str], huge: tuple[int, bytes] | None = None) -> Iterable[bytes]:
    """The shared strings, then (when `huge` is (size, byte)) one more string of `size` times that byte."""
    count = len(strings) + (1 if huge else 0)
    head = f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
    yield f'<?xml version="1.0" encoding="UTF-8"?>{head}'.encode()
    for text in strings:
        yield f"<si><t>{text}</t></si>".encode()
    if huge:
        size, byte = huge
        yield b"<si><t>"
        yield from repeated(byte, size)
        yield b"</t></si>"
    yield b"</sst>"


def repeated(byte: bytes, size: int, chunk: int = 1 << 22) -> Iterable[bytes]:
    block = byte * chunk
    while size > 0:
        yield block[:size] if size < chunk else block
        size -= chunk


def write_xlsx(
    path: Path, sheet: Iterable[bytes], shared: Iterable[bytes] | None = None, *, level: int = 9
) -> Path:
    """An XLSX of one sheet (and its shared strings)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        parts = (
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared or shared_strings_xml([])),
        )
        for name, chunks in parts:
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return path


def declare_size(path: Path, part: str, size: int) -> Path:
    """Make `part` declare it unpacks to `size` bytes (a lying header), in its local header and in the
    central directory, with the CRC of its first `size` bytes, so that Python's zipfile, which stops at
    the declared size, finds nothing wrong."""
    import struct
    import zlib

    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
        with archive.open(info) as member:
            crc = zlib.crc32(member.read(size))
        directory = archive.start_dir
    data = bytearray(path.read_bytes())
    # Local header: crc at 14, compressed size 18, size 22 (ZIP64: the sizes live in the extra field).
    struct.pack_into("<L", data, info.header_offset + 14, crc)
    struct.pack_into("<L", data, info.header_offset + 22, size)
    name = part.encode()
    at = data.index(b"PK\x01\x02", directory)
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<L", data, at + 16, crc)
    struct.pack_into("<L", data, at + 24, size)
    path.write_bytes(bytes(data))
    return path
