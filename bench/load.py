"""Load benchmark: simulated users against the app served the production way (gunicorn, PostgreSQL).

1. Prepares the PostgreSQL database `sentra_load` (created if missing): `sentra migrate`, then
   `sentra demo --size regional` once per seed (two seeds: ~100,000 enterprises, ~1,200 centres)
   unless it already holds that data and the demo logins; `sentra collectstatic` into
   bench/out/load-data/static for whitenoise.
2. Starts `gunicorn sentra.wsgi` (gthread) on 127.0.0.1 and a free port, SENTRA_PRODUCTION unset,
   and waits until the login page answers. gunicorn is always stopped at the end (also on Ctrl-C,
   SIGTERM or an error); its log is kept in bench/out/.
3. Runs --users simulated users (threads, http.client, one keep-alive connection each). Each logs in
   through the web form at /masuk/ (GET for the CSRF cookie and token, POST username/password) as
   one of the demo personas (round robin), then loops over a weighted mix until --duration is over:
   dashboard, IKM and sentra list pages (unfiltered, province and regency filter), detail pages of
   records picked from that user's own list responses, a name search, the JSON API list and detail
   (session auth), the provinces GeoJSON, and a dry-run CSV import through the API (< 2 % of the
   requests, nothing is written but the job row). Between requests a user waits a random think time
   (uniform 0..2 x --think seconds).
4. Baselines measured in the same run under the same concurrency: the anonymous login page GET
   (the request stack: session, CSRF, one template) and a static file served by whitenoise. Every
   endpoint's p95 is printed as a ratio to the login page p95.

Every request is recorded (endpoint label, status, latency to the last byte of the body). An error
is a connection failure or timeout, or a status other than the expected one (302 for the login POST,
200 elsewhere; a 403/404 on a detail page picked from the user's own list is an error too), or an
import report that is not ok. The run exits non-zero when there is any error or when gunicorn's log
holds a traceback. Results: a Markdown table on stdout, bench/out/load-<timestamp>.{json,md}, and the
"Load (gunicorn, PostgreSQL)" section of bench/RESULTS.md (unless --no-write).

    .venv/bin/python bench/load.py --duration 20 --no-write     # a short debugging run
    .venv/bin/python bench/load.py                              # 50 users, 120 s, 4 workers
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DATA_DIR = OUT_DIR / "load-data"  # SENTRA_DATA_DIR of the served app: collected static files, uploads
RESULTS = BENCH_DIR / "RESULTS.md"
SECTION = "## Load (gunicorn, PostgreSQL)"
VENV_BIN = Path(sys.executable).parent
PG_BASE_URL = os.getenv("SENTRA_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

sys.path.insert(0, str(ROOT))
from sentra.registry.demo_facts import DEMO_PASSWORD, PERSONA_ROLES, PERSONAS  # noqa: E402  (plain data)

# Roles that hold Action.IMPORT in sentra/accounts/permissions.py (plain data here: no Django in the driver).
IMPORT_ROLES = frozenset({"ministry_admin", "province_officer", "regency_officer"})

# Region filters per persona (username → province, regency): the persona's own area, so that
# scoping (part 2) leaves the filtered lists non-empty. National personas use Kalimantan Timur too.
PERSONA_REGIONS = {
    "dekranasda.kutim": ("64", "64.08"),
}
DEFAULT_REGIONS = ("64", "64.09")
SEARCH_TERMS = ["Kerupuk", "Roti", "Tahu", "Tempe", "Batik", "Tenun", "Kue", "Jaya", "Makmur", "Kopi"]
STATIC_PATH = "/static/web/sentra.css"
BASELINE = "baseline: login page GET (anonymous)"
IMPORT_SHARE = 0.015  # at most this share of a user's requests are imports (the brief: <= 2 %)

# (label, weight, action) — weights are relative; the import stays under 2 % of all requests.
MIX = [
    ("dashboard /", 10, "dashboard"),
    ("ikm list", 6, "ikm_list"),
    ("ikm list ?region=province", 5, "ikm_list_province"),
    ("ikm list ?region=regency", 5, "ikm_list_regency"),
    ("ikm detail", 12, "ikm_detail"),
    ("ikm search ?q=", 8, "ikm_search"),
    ("sentra list", 4, "sentra_list"),
    ("sentra list ?region=province", 3, "sentra_list_province"),
    ("sentra list ?region=regency", 3, "sentra_list_regency"),
    ("sentra detail", 6, "sentra_detail"),
    ("api enterprises ?region=", 8, "api_list"),
    ("api enterprise detail", 6, "api_detail"),
    ("map provinsi.geojson", 4, "geojson"),
    ("api import dry run (CSV)", 1.5, "import"),
    (BASELINE, 5, "baseline_login"),
    ("baseline: static file (whitenoise)", 3, "baseline_static"),
]


# ---------------------------------------------------------------- database


def pg_url(name: str) -> str:
    return f"{PG_BASE_URL}/{name}"


def check_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        sys.exit(f"refusing to run against {host!r}: the load benchmark is loopback-only")


def sentra(args: list[str], env: dict[str, str], *, quiet: bool = False) -> None:
    command = [str(VENV_BIN / "sentra"), *args]
    print("$", " ".join(command), flush=True)
    out = subprocess.DEVNULL if quiet else None
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=out)


def data_state(name: str) -> dict[str, Any]:
    """Enterprises, centres and demo logins in the database (creating the database if missing)."""
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}", flush=True)
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(pg_url(name), autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass('registry_enterprise')").fetchone()[0]:
            return {"enterprises": 0, "centres": 0, "users": []}
        enterprises = conn.execute("SELECT count(*) FROM registry_enterprise").fetchone()[0]
        centres = conn.execute("SELECT count(*) FROM registry_centre").fetchone()[0]
        users = [r[0] for r in conn.execute("SELECT username FROM auth_user").fetchall()]
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"enterprises": enterprises, "centres": centres, "users": users, "postgres": version}


def prepare(args, env: dict[str, str]) -> dict[str, Any]:
    expected = 50_000 * len(args.seeds) if args.size == "regional" else 0
    state = data_state(args.db)
    personas = {username for _, username, _ in PERSONAS}
    ready = state["enterprises"] >= expected * 0.95 and personas <= set(state["users"])
    # migrate is a no-op when the schema is current; it catches migrations added since the last run.
    sentra(["migrate", "--noinput"], env, quiet=True)
    if ready and not args.prepare:
        print(
            f"{args.db}: {state['enterprises']:,} enterprises and the demo logins already there", flush=True
        )
    else:
        for seed in args.seeds:  # each seed is skipped by the demo when already loaded
            sentra(["demo", "--size", args.size, "--seed", str(seed)], env)
        state = data_state(args.db)
    sentra(["collectstatic", "--noinput"], env, quiet=True)
    return state


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, args, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.command = [
            str(VENV_BIN / "gunicorn"),
            "sentra.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--keep-alive",
            "10",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--error-logfile",
            "-",
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        print("$", " ".join(self.command), flush=True)
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/masuk/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the arbiter: stops its workers gracefully
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
        print(f"gunicorn stopped (log: {self.log_path.relative_to(ROOT)})", flush=True)


LOG_EVENT = re.compile(
    r"^(Internal Server Error|Bad Request|Forbidden|Not Found|Unauthorized|Service Unavailable)"
)


def log_events(path: Path) -> dict[str, Any]:
    """Django's request log lines (with their tracebacks) and gunicorn's [ERROR] lines, by kind.

    "server" holds what the run must not have: 5xx responses logged by Django with their traceback
    and gunicorn errors (a worker crash, a timeout). 4xx lines are only counted: the client side
    already counts them as errors.
    """
    text = path.read_text(errors="replace") if path.exists() else ""
    server: list[str] = []
    client: dict[str, int] = defaultdict(int)
    block: list[str] = []

    def close() -> None:
        if block:
            first = block[0]
            if (
                first.startswith(("Internal", "Service", "Traceback"))
                or "[ERROR]" in first
                or "[CRIT" in first
            ):
                server.append("\n".join(block))
            else:
                client[block[0]] += 1
            block.clear()

    for line in text.splitlines():
        if LOG_EVENT.match(line) or "[ERROR]" in line or "[CRITICAL]" in line or line.startswith("Traceback"):
            if line.startswith("Traceback") and block and len(block) == 1:
                block.append(line)  # the traceback of the log line just read
                continue
            close()
            block.append(line)
        elif line.startswith("["):  # another gunicorn line ends the block
            close()
        elif block:
            block.append(line)  # traceback lines, chained exceptions included
    close()
    return {"server": server, "client": dict(client)}


# ---------------------------------------------------------------- simulated users


class HttpError(Exception):
    pass


@dataclass
class Sample:
    label: str
    status: int  # 0: no response (connection error or timeout)
    ms: float
    ok: bool
    at: float
    note: str = ""


@dataclass
class User:
    number: int
    username: str
    port: int
    think: float
    regions: tuple[str, str]
    villages: list[str]
    samples: list[Sample] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)
    ikm_ids: list[int] = field(default_factory=list)
    sentra_ids: list[int] = field(default_factory=list)
    api_ids: list[int] = field(default_factory=list)
    conn: http.client.HTTPConnection | None = None
    used: bool = False
    imports: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.number)

    # -- HTTP

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.used = False
        return self.conn

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, method: str, path: str, *, body: bytes | None = None, headers=None, anonymous=False):
        """One request; returns (status, headers, body, ms). Retries once on a stale keep-alive socket."""
        headers = dict(headers or {})
        if not anonymous and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self._connection()
            reused = self.used
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._close()
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: not an error
                raise HttpError(f"{type(exc).__name__}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                self._close()
                raise HttpError(f"{type(exc).__name__}: {exc}") from exc
            ms = (time.perf_counter() - started) * 1000
            self.used = True
            if not anonymous:
                for value in response.headers.get_all("Set-Cookie") or []:
                    cookie = SimpleCookie()
                    cookie.load(value)
                    for key, morsel in cookie.items():
                        self.cookies[key] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self._close()
            return response.status, response.headers, data, ms
        raise AssertionError("unreachable")

    def hit(
        self, label: str, method: str, path: str, *, expect: int = 200, check=None, **kwargs
    ) -> bytes | None:
        try:
            status, _, data, ms = self.send(method, path, **kwargs)
        except HttpError as exc:
            self.samples.append(Sample(label, 0, 0.0, False, time.monotonic(), f"{path}: {exc}"))
            return None
        note = "" if status == expect else f"{method} {path} → {status}"
        if not note and check is not None:
            note = check(data)
        self.samples.append(Sample(label, status, ms, not note, time.monotonic(), note))
        return data if not note else None

    # -- the scenario

    def login(self) -> bool:
        page = self.hit("login: GET /masuk/", "GET", "/masuk/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page or b"")
        if page is None or token is None or "csrftoken" not in self.cookies:
            return False
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": self.username,
                "password": DEMO_PASSWORD,
                "next": "",
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.hit("login: POST /masuk/", "POST", "/masuk/", body=form, headers=headers, expect=302)
        return "sessionid" in self.cookies

    def _ids(self, data: bytes | None, pattern: bytes, pool: list[int]) -> None:
        if data:
            found = [int(x) for x in re.findall(pattern, data)]
            if found:
                pool[:] = found[:50]

    def web_list(self, label: str, path: str, query: dict[str, str]) -> None:
        url = path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = self.hit(label, "GET", url)
        if path == "/ikm/":
            self._ids(data, rb'href="/ikm/(\d+)/"', self.ikm_ids)
        else:
            self._ids(data, rb'href="/sentra/(\d+)/"', self.sentra_ids)

    def api_list(self) -> None:
        region = self.rng.choice(self.regions)
        data = self.hit("api enterprises ?region=", "GET", f"/api/v1/enterprises?region={region}")
        if data:
            self.api_ids[:] = [row["id"] for row in json.loads(data)["results"]][:50]

    def import_dry_run(self) -> None:
        rows = [
            "nama_usaha,nama_pemilik,nib,kbli,kode_wilayah,alamat,tenaga_kerja,investasi,tahun_mulai,status"
        ]
        for i in range(3):
            nib = f"5{self.rng.randrange(10**12):012d}"
            village = self.rng.choice(self.villages)
            rows.append(
                f"UD Uji Beban {self.number}-{i},Siti Aminah,{nib},10794,{village},Jl. Propinsi Km {i + 1},"
                f"4,50.000.000,2015,Aktif"
            )
        content = ("\n".join(rows) + "\n").encode()
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="uji-beban.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }

        def check(data: bytes) -> str:
            job = json.loads(data)
            report = job.get("report") or {}
            if not job.get("finished") or not report.get("ok") or report.get("committed"):
                return f"import report not ok: {json.dumps(report)[:300]}"
            return ""

        # Roles without the import right (analyst, facilitator, Dekranasda) must be refused: 403 is
        # the correct answer for them, and anything else an error.
        role = PERSONA_ROLES.get(self.username)
        allowed = self.username == "admin" or role in IMPORT_ROLES
        self.hit(
            "api import dry run (CSV)" if allowed else "api import refused (role without import)",
            "POST",
            "/api/v1/imports/enterprises?commit=false",
            body=body,
            headers=headers,
            expect=200 if allowed else 403,
            check=check if allowed else None,
        )

    def step(self, action: str, label: str) -> None:
        province, regency = self.regions
        if action == "dashboard":
            self.hit(label, "GET", "/")
        elif action in ("ikm_list", "sentra_list"):
            self.web_list(label, "/ikm/" if action == "ikm_list" else "/sentra/", {})
        elif action.endswith(("_province", "_regency")):
            path = "/ikm/" if action.startswith("ikm") else "/sentra/"
            self.web_list(label, path, {"region": province if action.endswith("province") else regency})
        elif action == "ikm_search":
            self.web_list(label, "/ikm/", {"q": self.rng.choice(SEARCH_TERMS)})
        elif action == "ikm_detail":
            if not self.ikm_ids:
                return self.web_list("ikm list ?region=regency", "/ikm/", {"region": regency})
            self.hit(label, "GET", f"/ikm/{self.rng.choice(self.ikm_ids)}/")
        elif action == "sentra_detail":
            if not self.sentra_ids:
                return self.web_list("sentra list ?region=province", "/sentra/", {"region": province})
            self.hit(label, "GET", f"/sentra/{self.rng.choice(self.sentra_ids)}/")
        elif action == "api_list":
            self.api_list()
        elif action == "api_detail":
            if not self.api_ids:
                return self.api_list()
            self.hit(label, "GET", f"/api/v1/enterprises/{self.rng.choice(self.api_ids)}")
        elif action == "geojson":
            self.hit(label, "GET", "/peta/provinsi.geojson")
        elif action == "import":
            if self.imports < IMPORT_SHARE * sum(not x.label.startswith("login") for x in self.samples):
                self.imports += 1
                self.import_dry_run()
            else:
                self.hit("dashboard /", "GET", "/")
        elif action == "baseline_login":
            self.hit(label, "GET", "/masuk/", anonymous=True)
        elif action == "baseline_static":
            self.hit(label, "GET", STATIC_PATH, anonymous=True)

    def run(self, start: threading.Barrier, stop: threading.Event) -> None:
        logged_in = False
        try:
            logged_in = self.login()
        finally:
            start.wait()
        if not logged_in:
            return
        labels = [m[0] for m in MIX]
        weights = [m[1] for m in MIX]
        actions = dict((m[0], m[2]) for m in MIX)
        while not stop.is_set():  # main sets stop after --duration
            label = self.rng.choices(labels, weights)[0]
            self.step(actions[label], label)
            if self.think:
                stop.wait(self.rng.uniform(0, 2 * self.think))
        self._close()


def villages(prefix: str, count: int = 20) -> list[str]:
    path = ROOT / "sentra" / "regions" / "data" / "regions" / "villages.csv"
    with path.open(encoding="utf-8") as handle:
        codes = [line.split(",", 1)[0] for line in handle if line.startswith(prefix + ".")]
    return codes[:count]


def run_users(args, port: int) -> tuple[list[Sample], float, float]:
    personas = [username for _, username, _ in PERSONAS]
    stop = threading.Event()
    start = threading.Barrier(args.users + 1)
    users = []
    for n in range(args.users):
        username = personas[n % len(personas)]
        regions = PERSONA_REGIONS.get(username, DEFAULT_REGIONS)
        users.append(User(n, username, port, args.think, regions, villages(regions[1])))
    threads = [threading.Thread(target=u.run, args=(start, stop), daemon=True) for u in users]
    for thread in threads:
        thread.start()
    start.wait()  # every user has logged in (or failed to)
    began = time.monotonic()
    print(f"{args.users} users logged in; measuring for {args.duration:.0f} s", flush=True)
    try:
        stop.wait(args.duration)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
    ended = time.monotonic()
    samples = [s for u in users for s in u.samples]
    active = sum(any(s.at >= began for s in u.samples) for u in users)
    print(f"{active} of {args.users} users sent requests in the measured window", flush=True)
    failed = [u.username for u in users if "sessionid" not in u.cookies]
    if failed:
        print(f"login failed for {len(failed)} users: {sorted(set(failed))}", flush=True)
    return samples, began, ended, active


# ---------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 100)) - 1))
    return ordered[index]


def summarise(samples: list[Sample], began: float, ended: float) -> dict[str, Any]:
    window = ended - began
    by_label: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_label[s.label].append(s)
    order = [m[0] for m in MIX]
    labels = sorted(
        by_label, key=lambda k: (k.startswith("login") is False, order.index(k) if k in order else -1)
    )
    rows = []
    for label in labels:
        group = by_label[label]
        times = [s.ms for s in group if s.status] or [0.0]
        in_window = [s for s in group if s.at >= began]
        rows.append(
            {
                "endpoint": label,
                "count": len(group),
                "errors": sum(not s.ok for s in group),
                "p50": pct(times, 50),
                "p95": pct(times, 95),
                "p99": pct(times, 99),
                "max": max(times),
                "rps": len(in_window) / window if not label.startswith("login") else None,
            }
        )
    base = next((r["p95"] for r in rows if r["endpoint"] == BASELINE), None)
    for row in rows:
        row["ratio"] = row["p95"] / base if base else None
    measured = [s for s in samples if s.at >= began]
    all_times = [s.ms for s in measured if s.status] or [0.0]
    total = {
        "count": len(samples),
        "measured": len(measured),
        "errors": sum(not s.ok for s in samples),
        "rps": len(measured) / window,
        "p50": pct(all_times, 50),
        "p95": pct(all_times, 95),
        "p99": pct(all_times, 99),
        "window_s": window,
        "import_share": sum(s.label.startswith("api import") for s in measured) / max(1, len(measured)),
    }
    errors = [f"{s.label}: {s.note}" for s in samples if not s.ok]
    return {"rows": rows, "total": total, "baseline_p95": base, "errors": errors}


def table(summary: dict[str, Any]) -> str:
    lines = [
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s | p95 / baseline p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in summary["rows"]:
        rps = f"{r['rps']:.1f}" if r["rps"] is not None else "—"
        ratio = f"{r['ratio']:.1f}" if r["ratio"] is not None else "—"
        lines.append(
            f"| {r['endpoint']} | {r['count']:,} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['max']:.0f} | {rps} | {ratio} |"
        )
    t = summary["total"]
    lines.append(
        f"| **all (measured window)** | {t['measured']:,} | {t['errors']} | {t['p50']:.0f} | "
        f"{t['p95']:.0f} | {t['p99']:.0f} | | {t['rps']:.1f} | |"
    )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        mem = f", {int(match.group(1)) / 1024**2:.0f} GB RAM" if match else ""
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, Linux {platform.release()}, Python {platform.python_version()}"
    )


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in ("django", "gunicorn", "psycopg", "whitenoise")}


def section(args, summary, state, log_errors: list[str], when: str) -> str:
    t = summary["total"]
    v = versions()
    static_p50 = next((r["p50"] for r in summary["rows"] if r["endpoint"].startswith("baseline: static")), 0)
    status = "**zero errors**" if not t["errors"] and not log_errors else f"**{t['errors']} errors**"
    mix = ", ".join(f"{label} {weight:g}" for label, weight, _ in MIX)
    lines = [
        SECTION,
        "",
        f"`bench/load.py` on {when}: {args.users} simulated users for {args.duration:.0f} s against "
        f"`gunicorn sentra.wsgi` ({args.workers} workers x {args.threads} threads, gthread) on 127.0.0.1 "
        f"with PostgreSQL {state.get('postgres', '?')}, all on the same machine: {machine()}. The load "
        "generator (Python threads, http.client) shares the cores with gunicorn and PostgreSQL; the "
        f"1-minute load average just before the run was {state['loadavg_before']:.1f}.",
        "",
        f"Data: database `{args.db}`, `sentra demo --size {args.size}` with seeds "
        f"{', '.join(map(str, args.seeds))}: {state['enterprises']:,} enterprises, "
        f"{state['centres']:,} centres. Django {v['django']}, gunicorn {v['gunicorn']}, "
        f"psycopg {v['psycopg']}, whitenoise {v['whitenoise']}, "
        f"SENTRA_PRODUCTION unset (http), DEBUG off, CONN_MAX_AGE={args.conn_max_age}.",
        "",
        "Each user logs in through the form at /masuk/ as one of the "
        f"{len(PERSONAS)} demo personas (round robin), then loops over a weighted mix ({mix}) with a think "
        f"time of 0–{2 * args.think:g} s. Detail pages are picked from the user's own list responses; "
        "region filters are the persona's own area (province 64, regency 64.09, or 64.08 for Dekranasda "
        "Kutai Timur); the import is a 3-row CSV dry run through the API. Latency is to the last byte "
        "of the body. The ratio column divides each p95 by the p95 of the anonymous login page GET "
        "(the request stack alone), measured in the same run under the same load.",
        "",
        f"Result: {status}; {t['active_users']} users active; {t['measured']:,} requests in "
        f"{t['window_s']:.0f} s = {t['rps']:.1f} req/s; "
        f"imports {t['import_share'] * 100:.1f} % of requests; "
        f"{len(log_errors)} server errors (5xx, tracebacks) in gunicorn's log. CPU time used: gunicorn "
        f"{state['cpu_gunicorn_s']:.0f} s, load generator {state['cpu_client_s']:.0f} s "
        f"({state['cpu_gunicorn_s'] / t['window_s']:.2f} and {state['cpu_client_s'] / t['window_s']:.2f} "
        "cores); PostgreSQL not counted.",
        "",
        table(summary),
        "",
        "The login rows are the ramp-up (every user logs in at once; the password hash is deliberately "
        "slow), before the measured window and not in the req/s. "
        f"The static file's p50 is {static_p50:.0f} ms: a file whitenoise serves in a few ms when idle, "
        "so anything far above that is time spent queuing for a free server thread and CPU.",
        "",
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    """Replace (or append) only our section of RESULTS.md; other sections belong to others."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    lines = current.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        updated = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    RESULTS.write_text(updated)
    print(f"updated the '{SECTION[3:]}' section of {RESULTS.relative_to(ROOT)}", flush=True)


# ---------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated users (default 50)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time in s (default 0.5)")
    parser.add_argument("--conn-max-age", type=int, default=60, help="SENTRA_DB_CONN_MAX_AGE (default 60)")
    parser.add_argument("--db", default="sentra_load", help="PostgreSQL database (default sentra_load)")
    parser.add_argument("--size", default="regional", choices=("small", "regional"), help="demo size")
    parser.add_argument(
        "--seeds", default="2026,2027", help="demo seeds, one regional data set each (default 2026,2027)"
    )
    parser.add_argument("--prepare", action="store_true", help="run the demo even when data is there")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if not (1 <= args.users <= 500 and 1 <= args.duration <= 1800 and 1 <= args.workers <= 32):
        parser.error("bounded run: 1-500 users, 1-1800 s, 1-32 workers")
    if not (1 <= args.threads <= 64 and 0 <= args.think <= 60):
        parser.error("bounded run: 1-64 threads, think time 0-60 s")
    return args


def _terminate(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    url = pg_url(args.db)
    check_loopback(url)
    signal.signal(signal.SIGTERM, _terminate)
    OUT_DIR.mkdir(exist_ok=True)
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SENTRA_PRODUCTION", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=url,
        SENTRA_DATA_DIR=str(DATA_DIR),
        SENTRA_DEBUG="false",
        SENTRA_DB_CONN_MAX_AGE=str(args.conn_max_age),
        SENTRA_ALLOWED_HOSTS="127.0.0.1,localhost",
        SENTRA_BROKER_URL="",
    )
    try:
        state = prepare(args, env)
    except subprocess.CalledProcessError as exc:
        print(
            f"preparing {args.db} failed: {' '.join(exc.cmd)} exited with {exc.returncode}", file=sys.stderr
        )
        return 2
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    state["loadavg_before"] = os.getloadavg()[0]
    server = Server(args, env, OUT_DIR / f"load-{stamp}-gunicorn.log")
    import resource

    try:
        server.start()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        samples, began, ended, active = run_users(args, server.port)
        client_cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - sum(own[:2])
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        server.stop()
    state["cpu_client_s"] = client_cpu
    state["cpu_gunicorn_s"] = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]) - sum(children[:2])
    summary = summarise(samples, began, ended)
    summary["total"]["active_users"] = active
    events = log_events(server.log_path)
    log_errors = events["server"]
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    text = section(args, summary, state, log_errors, when)
    print()
    print(text)
    if summary["errors"]:
        print(f"{len(summary['errors'])} errors, first 20:")
        for line in summary["errors"][:20]:
            print("  " + line)
    for block in log_errors[:5]:
        print("--- gunicorn log:\n" + block)
    for line, count in sorted(events["client"].items(), key=lambda kv: -kv[1])[:20]:
        print(f"log (4xx): {count} x {line}")
    payload = {"args": vars(args), "state": state, "summary": summary, "log": events}
    (OUT_DIR / f"load-{stamp}.json").write_text(json.dumps(payload, indent=2, default=str))
    (OUT_DIR / f"load-{stamp}.md").write_text(text)
    if not args.no_write:
        write_results(text)
    return 1 if summary["errors"] or log_errors else 0


if __name__ == "__main__":
    sys.exit(main())
