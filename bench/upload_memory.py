"""Peak memory of an import on the upload-bomb corpus (issue 12.7): goal < 1 GB for any upload within
the size limit (SENTRA_IMPORT_MAX_BYTES, 200 MB).

Builds the corpus in a temporary directory (nothing big is kept), then runs
`sentra import enterprises FILE --as-system` (a dry run) for each file in its own process under
/usr/bin/time and reports its peak RSS, time, exit code and the report's first error:

- `shared-string-1gib`: a ~1 MB XLSX whose single shared string unpacks to 1 GiB (before: 4.4 GB);
- `sheet-whitespace-1.5gb`: a ~1.5 MB XLSX whose sheet holds 1.5 GB of whitespace (before: 1.7-1.9 GB);
- `sheet-lying-size`: the same sheet declaring 2 KB in its headers (Python's zipfile stops there;
  calamine would not);
- `shared-string-diluted`: a shared string of 100 MiB diluted with random letters to pack ~12 to 1,
  under every bound of the central directory, so that the bound of the reading refuses it;
- `csv-cell-200k`, `csv-line-190mb`: a CSV with a 200,000-character cell, and one line of 190 MB;
- `legit-xlsx`: a workbook of real-looking enterprise rows, Excel's way (shared strings: every
  name, owner and address distinct), for contrast: it must be read, not refused;
- `legit-csv`: the same rows as CSV.

    .venv/bin/python bench/upload_memory.py                      # full corpus, legit 1,000,000 rows
    .venv/bin/python bench/upload_memory.py --legit-rows 100000  # quicker
    .venv/bin/python bench/upload_memory.py --only shared-string-1gib

The database is bench/out/upload_memory.sqlite3 (migrated and given the reference data once).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentra.core.tests.bombs import (  # noqa: E402
    declare_size,
    repeated,
    shared_strings_xml,
    sheet_xml,
    write_xlsx,
)

OUT = ROOT / "bench" / "out"
DB = OUT / "upload_memory.sqlite3"
SENTRA = ROOT / ".venv" / "bin" / "sentra"
HEADER = ["nama_usaha", "nama_pemilik", "kbli", "kode_wilayah", "alamat", "tenaga_kerja"]
GIB = 1 << 30


def env() -> dict[str, str]:
    data = OUT / "data"
    (data / "static").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{DB}",
        "SENTRA_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "sentra.settings",
    }


def prepare_database() -> None:
    OUT.mkdir(exist_ok=True)
    marker = OUT / "upload_memory.ready"
    if marker.exists() and DB.exists():
        return
    subprocess.run([str(SENTRA), "migrate", "-v", "0"], env=env(), check=True)
    subprocess.run([str(SENTRA), "load-reference"], env=env(), check=True, stdout=subprocess.DEVNULL)
    marker.write_text("ok")


def villages() -> list[str]:
    import sqlite3

    with sqlite3.connect(DB) as db:
        codes = [r[0] for r in db.execute("SELECT code FROM regions_region WHERE level = 4 LIMIT 20000")]
    if not codes:
        raise SystemExit("no villages in the bench database")
    return codes


# ---------------------------------------------------------------- corpus


def diluted(size: int, ratio: int) -> list[bytes]:
    """`size` bytes of "A" with a random letter every `ratio // 8` bytes (99: packs ~12 to 1)."""
    rng = random.Random(1)
    block = bytearray(b"A" * (1 << 20))
    for i in range(0, len(block), max(ratio // 8, 1)):
        block[i] = rng.randrange(0x61, 0x7B)
    chunk = bytes(block)
    return [chunk[: min(len(chunk), size - done)] for done in range(0, size, len(chunk))]


def legit_rows(count: int, codes: list[str]):
    rng = random.Random(7)
    words = ["".join(rng.choices("abcdefghijklmnoprstuw", k=rng.randint(4, 9))).title() for _ in range(5000)]
    for n in range(count):
        yield [
            f"UD {rng.choice(words)} {rng.choice(words)} {n}",
            f"{rng.choice(words)} {rng.choice(words)}",
            rng.choice(["10792", "10794", "13111", "16101", "31001"]),
            rng.choice(codes),
            f"Jl. {rng.choice(words)} No. {rng.randint(1, 300)} RT {rng.randint(1, 20):02}",
            rng.randint(1, 40),
        ]


def write_legit_xlsx(path: Path, count: int, codes: list[str]) -> Path:
    """Excel's layout: every text a shared string (names, owners, addresses distinct), numbers inline."""
    strings: list[str] = list(HEADER)
    index: dict[str, int] = {text: i for i, text in enumerate(strings)}
    rows: list[list[int | str]] = [[f"#{i}" for i in range(len(HEADER))]]
    for cells in legit_rows(count, codes):
        out: list[int | str] = []
        for cell in cells:
            if isinstance(cell, int):
                out.append(cell)
                continue
            if cell not in index:
                index[cell] = len(strings)
                strings.append(cell)
            out.append(f"#{index[cell]}")
        rows.append(out)
    return write_xlsx(path, sheet_xml(rows), shared_strings_xml(strings), level=6)


def write_legit_csv(path: Path, count: int, codes: list[str]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(legit_rows(count, codes))
    return path


def build(name: str, folder: Path, legit: int, codes: list[str]) -> Path:
    data_row = ["#0", "10794", codes[0]]
    head = [["nama_usaha", "kbli", "kode_wilayah"]]
    path = folder / f"{name}.{'csv' if name.startswith('csv') or name == 'legit-csv' else 'xlsx'}"
    if name == "shared-string-1gib":
        return write_xlsx(path, sheet_xml([*head, data_row]), shared_strings_xml([], huge=(GIB, b"A")))
    if name in ("sheet-whitespace-1.5gb", "sheet-lying-size"):
        write_xlsx(path, sheet_xml([*head, ["UD Amplang", "10794", codes[0]]], repeated(b" ", 1_500_000_000)))
        return declare_size(path, "xl/worksheets/sheet1.xml", 2048) if name == "sheet-lying-size" else path
    if name == "shared-string-diluted":
        shared = shared_strings_xml([])
        parts = [next(shared), b"<si><t>", *diluted(100 << 20, 99), b"</t></si></sst>"]
        return write_xlsx(path, sheet_xml([*head, data_row]), iter(parts), level=6)
    if name == "csv-cell-200k":
        path.write_text(f"nama_usaha,kbli,kode_wilayah\n{'A' * 200_000},10794,{codes[0]}\n", encoding="utf-8")
        return path
    if name == "csv-line-190mb":
        with path.open("wb") as handle:
            handle.write(b"nama_usaha,kbli,kode_wilayah\nUD Amplang,10794,")
            for chunk in repeated(b"9", 190_000_000):
                handle.write(chunk)
            handle.write(b"\n")
        return path
    if name == "legit-xlsx":
        return write_legit_xlsx(path, legit, codes)
    if name == "legit-csv":
        return write_legit_csv(path, legit, codes)
    raise SystemExit(f"unknown case {name}")


CASES = [
    "shared-string-1gib",
    "sheet-whitespace-1.5gb",
    "sheet-lying-size",
    "shared-string-diluted",
    "csv-cell-200k",
    "csv-line-190mb",
    "legit-xlsx",
    "legit-csv",
]


# ---------------------------------------------------------------- runs


def run(path: Path) -> dict:
    timing = path.with_suffix(".time")
    command = ["/usr/bin/time", "-o", str(timing), "-f", "%M %e", str(SENTRA), "import", "enterprises"]
    started = time.perf_counter()
    done = subprocess.run([*command, str(path), "--as-system"], env=env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kib, _seconds = timing.read_text().split()[-2:]
    output = (done.stdout + done.stderr).strip()
    codes = re.findall(
        r"\b(compression_ratio|file_too_large_unpacked|too_many_parts|cell_too_long|"
        r"line_too_long|too_large|file_type)\b",
        output,
    )
    return {
        "peak_mb": round(int(peak_kib) / 1024),
        "seconds": round(elapsed, 1),
        "exit": done.returncode,
        "code": codes[0] if codes else "",
        "output": output[-300:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--legit-rows", type=int, default=1_000_000)
    parser.add_argument("--only", action="append", choices=CASES)
    args = parser.parse_args()
    prepare_database()
    codes = villages()
    results = {}
    with tempfile.TemporaryDirectory(prefix="upload-bombs-") as folder:
        for name in args.only or CASES:
            started = time.perf_counter()
            path = build(name, Path(folder), args.legit_rows, codes)
            built = time.perf_counter() - started
            result = run(path) | {"file_mb": round(path.stat().st_size / 1e6, 1), "build_s": round(built, 1)}
            results[name] = result
            print(
                f"{name:24} {result['file_mb']:>8} MB  peak {result['peak_mb']:>5} MB  "
                f"{result['seconds']:>6} s  exit {result['exit']}  "
                f"{result['code'] or result['output'][-120:]}",
                flush=True,
            )
            path.unlink()
    OUT.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"upload_memory-{stamp}.json").write_text(
        json.dumps({"load": os.getloadavg(), "legit_rows": args.legit_rows, "results": results}, indent=1)
    )
    print(f"load average {os.getloadavg()}; results in bench/out/upload_memory-{stamp}.json")


if __name__ == "__main__":
    main()
