"""Import of facilitators with their contracts and placements (`sentra import facilitators FILE`).

One row per contract, as the Ditjen's and the provinces' lists of TPL-IKM are kept: the person (name,
sex, birth year, education, polytechnic, cohort, home regency, phone, e-mail), where they are placed
(placement regency, host Dinas, placement start) and the contract (number, party, signing date and
place, period, honorarium, operating costs, funding source). The same person on several rows — same
name and cohort — is one facilitator whose contracts are renewals of each other, chained in date order
(`previous`, contract year + 1), whatever the order of the rows.

It runs through the core engine (sentra.core.imports: dry run by default, all or nothing, the report,
the audit batch and its rollback) and writes through facilitators.services, so every rule and code is
the services' own (contract_overlap, duplicate_number, period_order, out_of_scope …). The dry run tries
the whole file the same way inside a transaction it rolls back, so it reports what the commit would.

Regions are read as a code (64.09) or a name ("Kab. Penajam Paser Utara", "Penajam Paser Utara") through
the gazetteer; the host Dinas by its name among the agencies of the placement regency, or, left blank,
the regency's one industry Dinas. A person already in Sentra (same name and cohort, readable by the
importer) gets the new contracts; a contract whose number that person already has is left as it is
(`already_imported` warning), so importing the same file twice writes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sentra.accounts.permissions import Area
from sentra.accounts.scope import Actor
from sentra.agencies.models import Agency, AgencyKind
from sentra.audit.models import AuditEvent
from sentra.audit.services import batch_start
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.core.import_kinds import ImportKind, register_kind
from sentra.core.imports import (
    CellError,
    Column,
    ImportReport,
    ImportSchema,
    Row,
    WriteRefused,
    normalise_header,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
)
from sentra.regions.models import Region

from . import selectors, services
from .choices import ContractParty, Education, Polytechnic, Sex
from .models import Contract, Facilitator

FACILITATORS_KIND = "facilitators"

COLUMNS = (
    Column(
        "nama", _l("Nama lengkap pendamping (wajib)."), "Nur Aisyah", aliases=("nama pendamping", "nama tpl")
    ),
    Column(
        "jenis_kelamin",
        _l("L/P, Laki-laki/Perempuan (wajib)."),
        "P",
        aliases=("jk", "l p", "sex", "kelamin"),
    ),
    Column("tahun_lahir", _l("Tahun lahir, empat angka."), "1993", aliases=("thn lahir",)),
    Column("pendidikan", _l("D3, D4, S1 atau Lainnya."), "D3", aliases=("jenjang",)),
    Column(
        "politeknik",
        _l("Politeknik asal, mis. Politeknik ATK Yogyakarta, STTT Bandung, ATI Padang."),
        "Politeknik ATK Yogyakarta",
        aliases=("asal politeknik", "kampus", "perguruan tinggi"),
    ),
    Column("program_studi", _l("Program studi."), "Teknologi Pengolahan Kulit", aliases=("prodi",)),
    Column("angkatan", _l("Tahun angkatan beasiswa TPL-IKM (wajib), 2007 s.d. tahun ini."), "2014"),
    Column(
        "kabupaten_asal",
        _l("Kabupaten/kota asal (wajib): kode (64.09) atau nama."),
        "Kab. Penajam Paser Utara",
        aliases=("kab asal", "kabupaten kota asal", "asal", "daerah asal"),
    ),
    Column("telepon", _l("Nomor telepon/HP."), "081234567890", aliases=("hp", "no hp", "telp", "no telp")),
    Column("email", _l("Alamat e-mail."), "nur.aisyah@example.id", aliases=("e mail", "surel")),
    Column(
        "kabupaten_penempatan",
        _l("Kabupaten/kota penempatan: kode atau nama (kosong: kabupaten asal)."),
        "64.09",
        aliases=("penempatan", "lokasi penempatan", "kab penempatan"),
    ),
    Column(
        "dinas",
        _l("Dinas penempatan (nama instansi di kabupaten penempatan; kosong: Dinas Perindustrian di sana)."),
        "Dinas Perindustrian Kab. Penajam Paser Utara",
        aliases=("dinas penempatan", "instansi", "dinas pembina"),
    ),
    Column(
        "mulai_penempatan",
        _l("Tanggal mulai penempatan (kosong: mulai kontrak pertama di kabupaten itu)."),
        "2015-01-02",
        aliases=("tmt penempatan", "tanggal penempatan"),
    ),
    Column(
        "nomor_kontrak",
        _l("Nomor kontrak kerja (wajib, unik)."),
        "3.8.2 /IKM/KK/1/2018",
        aliases=("no kontrak",),
    ),
    Column(
        "pihak",
        _l("Pihak pemberi kontrak: Direktur Jenderal IKMA atau Dinas (kosong: Direktur Jenderal)."),
        "Direktur Jenderal IKMA",
        aliases=("pemberi kontrak", "pihak pertama"),
    ),
    Column(
        "tanggal_tanda_tangan",
        _l("Tanggal penandatanganan kontrak."),
        "2018-01-02",
        aliases=("tgl ttd", "tanggal ttd", "ditandatangani"),
    ),
    Column(
        "tempat_tanda_tangan",
        _l("Tempat penandatanganan kontrak."),
        "Jakarta",
        aliases=("tempat ttd", "tempat"),
    ),
    Column(
        "mulai_kontrak", _l("Tanggal mulai kontrak (wajib)."), "2018-01-02", aliases=("awal kontrak", "mulai")
    ),
    Column(
        "akhir_kontrak",
        _l("Tanggal berakhir kontrak (wajib)."),
        "2018-12-31",
        aliases=("berakhir", "selesai"),
    ),
    Column(
        "honorarium",
        _l("Honorarium per bulan (Rp)."),
        "3.500.000",
        aliases=("honor", "honorarium per bulan"),
    ),
    Column(
        "biaya_operasional",
        _l("Biaya operasional per bulan (Rp)."),
        "1.000.000",
        aliases=("operasional", "biaya operasional per bulan"),
    ),
    Column(
        "sumber_dana",
        _l("Sumber dana, mis. DIPA Ditjen IKMA 2018."),
        "DIPA Ditjen IKMA 2018",
        aliases=("dana",),
    ),
)

REQUIRED = (
    "nama",
    "jenis_kelamin",
    "angkatan",
    "kabupaten_asal",
    "nomor_kontrak",
    "mulai_kontrak",
    "akhir_kontrak",
)

# Where each field of a service's error is in the file.
FIELD_COLUMNS = {
    "name": "nama",
    "sex": "jenis_kelamin",
    "birth_year": "tahun_lahir",
    "education": "pendidikan",
    "polytechnic": "politeknik",
    "study_programme": "program_studi",
    "cohort": "angkatan",
    "home_region": "kabupaten_asal",
    "phone": "telepon",
    "email": "email",
    "agency": "dinas",
    "region": "kabupaten_penempatan",
    "host_agency": "dinas",
    "starts_on": "mulai_penempatan",
    "number": "nomor_kontrak",
    "party": "pihak",
    "signed_on": "tanggal_tanda_tangan",
    "signed_place": "tempat_tanda_tangan",
    "period_start": "mulai_kontrak",
    "period_end": "akhir_kontrak",
    "honorarium": "honorarium",
    "operating_costs": "biaya_operasional",
    "funding_source": "sumber_dana",
    "previous": "nomor_kontrak",
}

# What people type for the choices besides their codes and labels (normalised: normalise_header).
SEX_WORDS = {"l": "m", "lk": "m", "pria": "m", "laki": "m", "p": "f", "pr": "f", "wanita": "f"}
EDUCATION_WORDS = {
    "d_iii": "d3",
    "diii": "d3",
    "d_3": "d3",
    "d_iv": "d4",
    "div": "d4",
    "d_4": "d4",
    "s_1": "s1",
}
POLYTECHNIC_WORDS = {
    "sttt": "sttt_bandung",
    "sttt_bandung": "sttt_bandung",
    "politeknik_sttt": "sttt_bandung",
    "atk": "atk_yogyakarta",
    "atk_yogyakarta": "atk_yogyakarta",
    "ati_padang": "ati_padang",
    "atim": "atim_makassar",
    "atim_makassar": "atim_makassar",
    "ati_makassar": "atim_makassar",
    "politeknik_atim_makassar": "atim_makassar",
    "politeknik_medan": "politeknik_medan",
    "ptki_medan": "politeknik_medan",
    "politeknik_tki_medan": "politeknik_medan",
}
PARTY_WORDS = {
    "dirjen": "director_general",
    "dirjen_ikma": "director_general",
    "dirjen_ikm": "director_general",
    "direktur_jenderal": "director_general",
    "direktur_jenderal_ikm": "director_general",
    "ditjen_ikma": "director_general",
}


def _choice(value: Any, choices, words: dict[str, str]) -> str | None:
    key = normalise_header(str(value or ""))
    if key in words:
        return words[key]
    return parse_choice(value, choices)


def _person_key(name: str, cohort: int) -> tuple[str, int]:
    return (re.sub(r"\s+", " ", name).strip().casefold(), cohort)


def _number_key(number: str) -> str:
    return re.sub(r"\s+", " ", number).strip()


@dataclass
class _Contract:
    row: Row
    person: tuple[str, int]
    person_data: dict[str, Any]
    home_code: str
    placement_code: str
    agency_id: int
    placement_start: Any
    contract: dict[str, Any]


@dataclass
class _Outcome:
    created: int = 0
    touched: dict[str, set[int]] = field(default_factory=lambda: {"f": set(), "c": set(), "p": set()})


class _TryOnly(Exception):
    """Rolls back the transaction a dry run tried the whole file in."""


class FacilitatorSchema(ImportSchema):
    kind = FACILITATORS_KIND
    title = _l("Pendamping lapangan (TPL-IKM) dan kontraknya")
    columns = COLUMNS
    flexible_header = True
    ignored_headers = frozenset({"no", "nomor", "no_urut", "keterangan", "catatan"})

    def __init__(
        self, *, actor: Actor | None = None, agency: Agency | None = None, description: str = ""
    ) -> None:
        self.actor = actor
        self.description = description
        self.parsed: dict[int, _Contract] = {}
        self._regions: dict[str, tuple[str | None, str]] = {}
        self._agencies: dict[tuple[str, str], tuple[int | None, str, str]] = {}

    def missing_columns(self, present: set[str]) -> list[str]:
        return [c for c in REQUIRED if c not in present]

    # --- reading one row --------------------------------------------------------------------------------

    def _region(self, text: str) -> tuple[str | None, str]:
        """A regency code from a code or a name; (None, why) when it is not one."""
        key = text.strip()
        if key in self._regions:
            return self._regions[key]
        found: tuple[str | None, str]
        if re.fullmatch(r"\d{2}\.\d{2}", key):
            exists = Region.objects.filter(pk=key, level=Region.Level.REGENCY).exists()
            found = (
                (key, "") if exists else (None, _("Kode kabupaten/kota %(code)s tidak ada.") % {"code": key})
            )
        else:
            from sentra.regions.gazetteer import get_gazetteer

            resolution = get_gazetteer().resolve(key, level=Region.Level.REGENCY)
            if resolution.status == "resolved" and resolution.best is not None:
                found = (resolution.best.code, "")
            elif resolution.status == "ambiguous":
                options = "; ".join(f"{c.code} {c.name}" for c in resolution.candidates[:5])
                found = (
                    None,
                    _("Nama %(name)s cocok dengan beberapa wilayah: %(options)s; tulis kodenya.")
                    % {
                        "name": key,
                        "options": options,
                    },
                )
            else:
                found = (
                    None,
                    _("Kabupaten/kota %(name)s tidak dikenal; tulis kodenya, mis. 64.09.") % {"name": key},
                )
        self._regions[key] = found
        return found

    def _agency(self, text: str, regency: str) -> tuple[int | None, str, str]:
        """The host Dinas in the regency: by name, or the one industry Dinas there."""
        key = (normalise_header(text), regency)
        if key in self._agencies:
            return self._agencies[key]
        agencies = list(Agency.objects.filter(region_id=regency).only("pk", "name", "short_name", "kind"))
        if text:
            wanted = key[0]
            matches = [
                a for a in agencies if wanted in (normalise_header(a.name), normalise_header(a.short_name))
            ]
            if not matches:
                # Every word typed found in the agency's name: "Dinas Perindustrian Kab. Penajam Paser
                # Utara" is the "Dinas Perindustrian, Perdagangan dan UKM Kab. Penajam Paser Utara".
                words = set(wanted.split("_")) - {""}
                matches = [a for a in agencies if words and words <= set(normalise_header(a.name).split("_"))]
        else:
            matches = [a for a in agencies if a.kind == AgencyKind.REGENCY_INDUSTRY]
        if len(matches) == 1:
            found: tuple[int | None, str, str] = (matches[0].pk, "", "")
        else:
            names = "; ".join(a.name for a in agencies[:8]) or _("tidak ada")
            code = "unknown_agency" if not matches else "ambiguous_agency"
            message = _("Dinas penempatan tidak ditemukan di %(code)s; instansi di sana: %(names)s.") % {
                "code": regency,
                "names": names,
            }
            if matches:
                message = _("Beberapa instansi di %(code)s cocok: %(names)s; tulis nama lengkapnya.") % {
                    "code": regency,
                    "names": "; ".join(a.name for a in matches[:8]),
                }
            found = (None, code, message)
        self._agencies[key] = found
        return found

    def check(self, row: Row, report: ImportReport) -> Any:
        failed = False

        def fail(column: str, code: str, message: str) -> None:
            nonlocal failed
            failed = True
            report.error(row.number, column, row.text(column), code, message)

        def parse(column: str, parser: Callable[[Any], Any]) -> Any:
            try:
                return parser(row.get(column))
            except CellError as exc:
                fail(column, exc.code, exc.message)
                return None

        for column in REQUIRED:
            if not row.text(column):
                fail(column, "required", _("Kolom %(column)s wajib diisi.") % {"column": column})
        name = parse("nama", lambda v: parse_text(v, max_length=150))
        sex = parse("jenis_kelamin", lambda v: _choice(v, Sex, SEX_WORDS))
        cohort = parse("angkatan", lambda v: parse_int(v, minimum=0, maximum=None))
        person = {
            "birth_year": parse("tahun_lahir", lambda v: parse_int(v, minimum=0, maximum=None)),
            "education": parse("pendidikan", lambda v: _choice(v, Education, EDUCATION_WORDS)) or "d3",
            "polytechnic": parse("politeknik", lambda v: _choice(v, Polytechnic, POLYTECHNIC_WORDS)) or "",
            "study_programme": parse("program_studi", lambda v: parse_text(v, max_length=150)) or "",
            "phone": parse("telepon", lambda v: parse_text(v, max_length=30)) or "",
            "email": parse("email", lambda v: parse_text(v, max_length=254)) or "",
        }
        contract = {
            "number": _number_key(parse("nomor_kontrak", lambda v: parse_text(v, max_length=80)) or ""),
            "party": parse("pihak", lambda v: _choice(v, ContractParty, PARTY_WORDS))
            or ContractParty.DIRECTOR_GENERAL,
            "signed_on": parse("tanggal_tanda_tangan", parse_date),
            "signed_place": parse("tempat_tanda_tangan", lambda v: parse_text(v, max_length=200)) or "",
            "period_start": parse("mulai_kontrak", parse_date),
            "period_end": parse("akhir_kontrak", parse_date),
            "honorarium": parse("honorarium", lambda v: parse_int(v, minimum=0)) or 0,
            "operating_costs": parse("biaya_operasional", lambda v: parse_int(v, minimum=0)) or 0,
            "funding_source": parse("sumber_dana", lambda v: parse_text(v, max_length=150)) or "",
        }
        if cohort is not None or person["birth_year"] is not None:
            # The services' own checks of the person's values, reported with the row's other errors.
            for error in services.person_value_errors(birth_year=person["birth_year"], cohort=cohort):
                if error.field != "cohort" or cohort is not None:
                    fail(FIELD_COLUMNS[error.field], error.code, error.message)
        placement_start = parse("mulai_penempatan", parse_date)
        home_code = placement_code = None
        if row.text("kabupaten_asal"):
            home_code, why = self._region(row.text("kabupaten_asal"))
            if home_code is None:
                fail("kabupaten_asal", "unknown_region", why)
        if row.text("kabupaten_penempatan"):
            placement_code, why = self._region(row.text("kabupaten_penempatan"))
            if placement_code is None:
                fail("kabupaten_penempatan", "unknown_region", why)
        else:
            placement_code = home_code
        agency_id = None
        if placement_code:
            agency_id, code, message = self._agency(row.text("dinas"), placement_code)
            if agency_id is None:
                fail("dinas", code, message)
        if failed or not name or cohort is None:
            return contract["number"] or None
        self.parsed[row.number] = _Contract(
            row=row,
            person=_person_key(name, cohort),
            person_data={"name": re.sub(r"\s+", " ", name).strip(), "sex": sex, "cohort": cohort, **person},
            home_code=home_code or "",
            placement_code=placement_code or "",
            agency_id=agency_id or 0,
            placement_start=placement_start,
            contract=contract,
        )
        return contract["number"]

    def duplicate_key_message(self, first_row: int) -> tuple[str, str]:
        return "nomor_kontrak", _("Nomor kontrak ini sudah dipakai di baris %(row)d.") % {"row": first_row}

    # --- writing (tried in the dry run too) ---------------------------------------------------------------

    def finish_check(self, report: ImportReport) -> None:
        """Tries the whole file through the services and rolls it back, so the dry run reports the
        services' errors (overlaps with contracts in Sentra, scope …) exactly as the commit would."""
        if not self.parsed:
            return
        try:
            with transaction.atomic():
                self._write_all(report, dry=True)
                raise _TryOnly
        except _TryOnly:
            pass

    def _report(self, report: ImportReport, item: _Contract, exc: Exception) -> None:
        row = item.row
        if isinstance(exc, DomainError):
            errors = exc.errors or []
            if not errors:
                report.error(row.number, "", "", exc.code, exc.message)
            for error in errors:
                column = FIELD_COLUMNS.get(error.field, "")
                report.error(
                    row.number, column, row.text(column) if column else "", error.code, error.message
                )
        elif isinstance(exc, NotFound):
            report.error(
                row.number,
                "nama",
                row.text("nama"),
                "unknown_reference",
                str(exc) or _("Data tidak ditemukan."),
            )
        else:
            report.error(row.number, "", "", "forbidden", str(exc))

    def _write_all(
        self, report: ImportReport, *, dry: bool, on_row: Callable[[], None] | None = None
    ) -> _Outcome:
        """Writes every person's rows in date order; a row refused stops that person's later rows (they
        would chain to it) and is reported on its row."""
        assert self.actor is not None
        outcome = _Outcome()
        people: dict[tuple[str, int], list[_Contract]] = {}
        for number in sorted(self.parsed):
            item = self.parsed[number]
            people.setdefault(item.person, []).append(item)
        codes = {i.home_code for i in self.parsed.values()} | {i.placement_code for i in self.parsed.values()}
        regions = Region.objects.in_bulk(codes)
        agencies = Agency.objects.in_bulk({i.agency_id for i in self.parsed.values()})
        for items in people.values():
            items.sort(key=lambda i: (i.contract["period_start"], i.row.number))
            facilitator: Facilitator | None = None
            previous: Contract | None = None
            for item in items:
                if on_row is not None:
                    on_row()
                try:
                    facilitator = facilitator or self._facilitator(item, regions, agencies, outcome)
                    self._placement(facilitator, item, items, regions, agencies, outcome)
                    previous = self._contract(facilitator, item, previous, report, outcome, dry=dry)
                except (DomainError, AccessDenied, NotFound) as exc:
                    self._report(report, item, exc)
                    break
        return outcome

    def _facilitator(self, item: _Contract, regions, agencies, outcome: _Outcome) -> Facilitator:
        name, cohort = item.person_data["name"], item.person_data["cohort"]
        existing = (
            selectors.visible_facilitators(self.actor)
            .filter(name__iexact=name, cohort=cohort)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        data = {k: v for k, v in item.person_data.items() if k not in ("name", "sex", "cohort")}
        facilitator = services.facilitator_create(
            actor=self.actor,
            name=name,
            sex=item.person_data["sex"],
            cohort=cohort,
            home_region=regions[item.home_code],
            agency=agencies[item.agency_id],
            **data,
        )
        outcome.touched["f"].add(facilitator.pk)
        return facilitator

    def _placement(
        self, facilitator: Facilitator, item: _Contract, items, regions, agencies, outcome
    ) -> None:
        """The placement the row names, unless the facilitator is placed there already; a move ends
        the placement before it the day before."""
        current = selectors.current_placement(facilitator)
        if current is not None and current.region_id == item.placement_code:
            return
        starts_on = item.placement_start or min(
            i.contract["period_start"] for i in items if i.placement_code == item.placement_code
        )
        if current is not None and current.ends_on is None and current.starts_on < starts_on:
            services.placement_end(
                actor=self.actor, placement=current, ends_on=starts_on - dt.timedelta(days=1)
            )
            outcome.touched["p"].add(current.pk)
        placement = services.placement_create(
            actor=self.actor,
            facilitator=facilitator,
            region=regions[item.placement_code],
            host_agency=agencies[item.agency_id],
            starts_on=starts_on,
        )
        facilitator.refresh_from_db()
        outcome.touched["p"].add(placement.pk)
        outcome.touched["f"].add(facilitator.pk)

    def _contract(
        self,
        facilitator: Facilitator,
        item: _Contract,
        previous: Contract | None,
        report: ImportReport,
        outcome: _Outcome,
        *,
        dry: bool,
    ) -> Contract:
        data = dict(item.contract)
        same = Contract.objects.filter(facilitator=facilitator, number=data["number"]).first()
        if same is not None:
            if dry:  # the dry run (also tried before a commit) says it once
                report.warn(
                    item.row.number,
                    "nomor_kontrak",
                    data["number"],
                    "already_imported",
                    _("Kontrak %(number)s sudah tercatat untuk pendamping ini; tidak diubah.")
                    % {"number": data["number"]},
                )
            return same
        if previous is None:
            # The person's latest contract in Sentra that ended before this one starts, not yet renewed.
            previous = (
                Contract.objects.filter(
                    facilitator=facilitator, period_end__lt=data["period_start"], renewal__isnull=True
                )
                .order_by("-period_end")
                .first()
            )
        contract = services.contract_create(
            actor=self.actor, facilitator=facilitator, previous=previous, **data
        )
        outcome.created += 1
        outcome.touched["c"].add(contract.pk)
        return contract

    def write(self, rows: Iterator[Row], report: ImportReport, on_row: Callable[[], None]) -> None:
        assert self.actor is not None
        for _row in rows:
            pass  # the rows were read and kept by check(); the engine's second pass only feeds progress
        batch = batch_start(actor=self.actor, kind="import", description=self.description or str(self.title))
        report.batch_id = batch.pk
        since = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        before = report.error_count
        outcome = self._write_all(report, dry=False, on_row=on_row)
        if report.error_count > before:
            raise WriteRefused
        report.created = outcome.created
        # The services record each change on its own; this import's are gathered into its batch so that
        # it is rolled back as a whole.
        AuditEvent.objects.filter(
            pk__gt=since,
            batch__isnull=True,
            username=self.actor.username,
            object_type__startswith="facilitators.",
        ).update(batch=batch)


def register_import_kinds() -> None:
    """Called from FacilitatorsConfig.ready()."""
    register_kind(
        ImportKind(
            key=FACILITATORS_KIND,
            label=_l("Pendamping lapangan (TPL-IKM), kontrak dan penempatan"),
            schema=f"{__name__}.FacilitatorSchema",
            area=Area.FACILITATORS,
        )
    )
