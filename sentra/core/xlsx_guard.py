"""Bounds on what an uploaded XLSX may unpack to, checked before any XML is parsed and again while reading.

An XLSX file is a ZIP archive of XML parts. Deflate packs a run of one byte about 1,000 to 1, so a
1 MB upload can unpack to 1 GB: one shared string of 1 GiB drove the import to 4.4 GB of memory,
1.5 GB of whitespace in a sheet to 1.9 GB (the XML parser gathers the text between two tags into one
string). The import size limit (SENTRA_IMPORT_MAX_BYTES) bounds the upload, not what it unpacks to.

Before parsing (`inspect`, from the ZIP's central directory, i.e. what each part declares):

- at most MAX_PARTS parts (an Excel workbook has 10-30; each listed part costs memory to list);
- no part packed more than MAX_RATIO to 1 once it unpacks to more than RATIO_FLOOR bytes. Real sheet
  XML packs 5-20 to 1 (measured: openpyxl's own file of random enterprise rows 5x, 50,000 identical
  rows with shared strings 17x); deflate's ceiling is ~1,030x, reached by the bombs;
- the worksheets, which the readers stream, unpack to at most SENTRA_IMPORT_MAX_UNPACKED_BYTES in all
  (default 20 x the 200 MB upload limit = 4 GB: a 200 MB workbook of real rows at 20 to 1). A
  limit-sized workbook of real rows passes; streaming keeps memory flat whatever the sheet's size;
- the shared strings, which both readers hold whole (openpyxl as Python strings, ~5 bytes of memory
  per byte of XML for short texts: 117 MB of 3 million distinct names took 576 MB), at most
  MAX_SHARED_STRINGS = 128 MiB: ~3 million distinct texts, the names, owners and addresses of a
  million enterprises. A bigger file is refused with a message to split it or send a CSV;
- every other part (styles, workbook, theme, pictures...) at most MAX_OTHER_PART = 32 MiB: openpyxl
  parses styles whole, and Excel's own bloated style sheets stay under ~10 MB.

While reading (`GuardedZipFile`, used by both readers, and `checked_stream` before calamine reads):

- the bytes actually unpacked are counted per part and in all, and reading stops past the part's
  bound: a part whose header lies about its size cannot unpack to more than it declared;
- in the sheet and the shared strings, a text between two tags longer than MAX_TEXT_RUN bytes stops
  the reading: no cell can hold more than Excel's 32,767 characters (6 bytes each at most in XML,
  "&quot;"), so a longer run is not a cell of any spreadsheet program but a bomb, refused before
  the XML parser gathers it;
- calamine (Rust) unpacks the parts itself, so every part it reads is first unpacked here from the
  raw deflate stream, counting the true size against the declared one.

What is left: a sheet row of millions of small cells, packed at most MAX_RATIO to 1, is still built
whole by openpyxl's row parser; bounded by the 4 GB above, not by a per-row figure.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

MAX_PARTS = 1_000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # parts unpacking to less are too small to matter, whatever their ratio
MAX_SHARED_STRINGS = 128 * 1024 * 1024
MAX_OTHER_PART = 32 * 1024 * 1024
EXCEL_MAX_CELL = 32_767  # characters: Excel's own limit for one cell
MAX_TEXT_RUN = 256 * 1024  # bytes between two tags: 32,767 characters x 6 bytes, rounded up

SHARED_STRINGS = "xl/sharedStrings.xml"
_CHUNK = 1 << 20


def _refuse(code: str, message: str) -> None:
    from sentra.core.imports import ImportFileError  # the engine imports this module

    raise ImportFileError(code, message)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}".replace(",", ".")


def max_unpacked() -> int:
    return settings.SENTRA_IMPORT_MAX_UNPACKED_BYTES


def is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def part_limit(name: str) -> int:
    """The most bytes a part may unpack to (see the module's notes for the figures)."""
    if is_worksheet(name):
        return max_unpacked()
    if name == SHARED_STRINGS:
        return MAX_SHARED_STRINGS
    return MAX_OTHER_PART


def _too_large(name: str, size: int, limit: int) -> None:
    if name == SHARED_STRINGS:
        _refuse(
            "file_too_large_unpacked",
            _(
                "Teks berbeda dalam buku kerja ini terlalu banyak (%(size)s MB setelah dibuka, batas "
                "%(limit)s MB). Pecah menjadi beberapa berkas atau unggah sebagai .csv."
            )
            % {"size": _mib(size), "limit": _mib(limit)},
        )
    _refuse(
        "file_too_large_unpacked",
        _(
            "Isi berkas .xlsx terlalu besar setelah dibuka (bagian %(part)s: lebih dari %(size)s MB, "
            "batas %(limit)s MB). Pecah menjadi beberapa berkas atau unggah sebagai .csv."
        )
        % {"part": name, "size": _mib(size), "limit": _mib(limit)},
    )


def inspect(handle: IO[bytes]) -> zipfile.ZipFile:
    """The archive, once its central directory shows nothing above the bounds (else ImportFileError).

    The number of parts is read from the end record before the directory is listed: listing a
    directory of millions of entries is itself what exhausts memory."""
    entries = _declared_entries(handle)
    if entries is not None and entries > MAX_PARTS:
        _refuse(
            "too_many_parts",
            _("Berkas .xlsx berisi %(count)s bagian (batas %(limit)s); ini bukan buku kerja biasa.")
            % {"count": entries, "limit": MAX_PARTS},
        )
    archive = zipfile.ZipFile(handle)
    try:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            _refuse(
                "too_many_parts",
                _("Berkas .xlsx berisi %(count)s bagian (batas %(limit)s); ini bukan buku kerja biasa.")
                % {"count": len(infos), "limit": MAX_PARTS},
            )
        sheets = 0
        for info in infos:
            size = info.file_size
            if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                _refuse(
                    "compression_ratio",
                    _(
                        "Bagian %(part)s dalam berkas .xlsx dimampatkan %(ratio)s kali (batas %(limit)s "
                        "kali; buku kerja biasa 5-20 kali). Berkas seperti ini tidak diterima; simpan "
                        "ulang dari Excel atau unggah sebagai .csv."
                    )
                    % {
                        "part": info.filename,
                        "ratio": f"{size // max(info.compress_size, 1):,}".replace(",", "."),
                        "limit": MAX_RATIO,
                    },
                )
            limit = part_limit(info.filename)
            if size > limit:
                _too_large(info.filename, size, limit)
            if is_worksheet(info.filename):
                sheets += size
        if sheets > max_unpacked():
            _refuse(
                "file_too_large_unpacked",
                _(
                    "Isi berkas .xlsx terlalu besar setelah dibuka (%(size)s MB, batas %(limit)s MB). "
                    "Pecah menjadi beberapa berkas atau unggah sebagai .csv."
                )
                % {"size": _mib(sheets), "limit": _mib(max_unpacked())},
            )
    except BaseException:
        archive.close()
        raise
    return archive


def _declared_entries(handle: IO[bytes]) -> int | None:
    """The entry count of the ZIP's end record (ZIP64 too), None when there is none to read."""
    try:
        end = zipfile._EndRecData(handle)  # noqa: SLF001 - the stdlib's own reader of that record
    except OSError:
        return None
    finally:
        handle.seek(0)
    return None if not end else end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001


class GuardedStream:
    """A part open for reading whose unpacked bytes are counted, reading stopped past the part's
    bound or its declared size (the sum of the declared sizes is bounded by `inspect`), and, for a
    sheet or the shared strings, whose text runs between tags are bounded."""

    def __init__(self, raw: Any, info: zipfile.ZipInfo) -> None:
        self.raw, self.info = raw, info
        self.name = info.filename
        self.limit = min(part_limit(self.name), info.file_size)
        self.count = 0
        self.run = 0
        self.text = is_worksheet(self.name) or self.name == SHARED_STRINGS

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_CHUNK), b""))
        data = self.raw.read(size)
        self._account(data)
        return data

    def read1(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else _CHUNK)

    def _account(self, data: bytes) -> None:
        self.count += len(data)
        if self.count > self.limit:
            _too_large(self.name, self.count, self.limit)
        if self.text:
            self.run = text_run(data, self.run, self.name)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.raw.close()

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def __enter__(self) -> GuardedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return iter(lambda: self.read(_CHUNK), b"")


def text_run(data: bytes, run: int, part: str) -> int:
    """The length of the text since the last '<' after `data`, given `run` before it; refuses a run
    above MAX_TEXT_RUN. '<' never occurs inside a UTF-8 multi-byte character, and a text or an
    attribute holds it only escaped, so every '<' is markup. C-speed: a few finds per 256 KiB."""
    start, size = 0, len(data)
    while start < size:
        end = min(start + MAX_TEXT_RUN, size)
        first = data.find(b"<", start, end)
        if first < 0:
            run += end - start
        else:
            if run + first - start > MAX_TEXT_RUN:
                break
            run = end - data.rfind(b"<", start, end) - 1
        if run > MAX_TEXT_RUN:
            break
        start = end
    else:
        return run
    _refuse(
        "cell_too_long",
        _(
            "Berkas .xlsx berisi teks sepanjang lebih dari %(limit)s karakter tanpa jeda (bagian "
            "%(part)s); satu sel Excel memuat paling banyak %(excel)s karakter. Berkas ini rusak atau "
            "dibuat untuk menghabiskan memori."
        )
        % {"limit": f"{MAX_TEXT_RUN:,}".replace(",", "."), "part": part, "excel": "32.767"},
    )
    return run


class GuardedZipFile(zipfile.ZipFile):
    """A ZipFile whose parts open as GuardedStream: hand it to openpyxl in place of its own."""

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> Any:  # noqa: A003
        raw = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return raw
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return GuardedStream(raw, info)


_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def checked_stream(handle: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes unpacked here from its raw stream, for readers that unpack the ZIP themselves
    (calamine), which may not stop at the declared size as Python's zipfile does: ImportFileError
    as soon as it unpacks to more than it declares or than its bound (a lying header), ValueError
    when it is neither stored nor deflated, is encrypted or broken, or unpacks to less (such a part
    is not handed to that reader)."""
    handle.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    if header[0] != zipfile.stringFileHeader or info.flag_bits & 0x1:
        raise ValueError("bad local header, or encrypted")
    handle.seek(header[10] + header[11], 1)  # name and extra field
    limit = min(part_limit(info.filename), info.file_size)
    left = info.compress_size
    produced, run = 0, 0
    text = is_worksheet(info.filename) or info.filename == SHARED_STRINGS
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
    else:
        raise ValueError("compression method")
    while left > 0:
        chunk = handle.read(min(left, _CHUNK))
        if not chunk:
            raise ValueError("truncated")
        left -= len(chunk)
        while chunk:
            if inflate is None:
                out, chunk = chunk, b""
            else:
                try:
                    out = inflate.decompress(chunk, _CHUNK)
                except zlib.error as exc:
                    raise ValueError("broken deflate stream") from exc
                chunk = inflate.unconsumed_tail
            produced += len(out)
            if produced > limit:
                _too_large(info.filename, produced, limit)
            if text:
                run = text_run(out, run, info.filename)
            yield out
    if inflate is not None:
        out = inflate.flush()
        produced += len(out)
        if produced > limit:
            _too_large(info.filename, produced, limit)
        yield out
    if produced != info.file_size:
        raise ValueError("size differs from the declared one")
