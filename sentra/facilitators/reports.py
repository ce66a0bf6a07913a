"""Monthly reports of facilitators (*laporan bulanan TPL-IKM*): generated from the month's visits,
written up by the facilitator, submitted, approved or returned by the supervising Dinas; the late list;
the PDF and XLSX of one report.

- `generate` counts the month's visits into `figures` (and keeps the ids of the visits it listed), so an
  approved report never changes when a late visit syncs afterwards. It refreshes a draft or a returned
  report only: a submitted or approved one is refused (`report_locked`).
- The month runs on the clock of the placement regency (WIB, WITA or WIT): a visit at 00.30 WITA on the
  1st belongs to the new month even though it is still the old one in Jakarta.
- The report is due on day `SENTRA_REPORT_DUE_DAY` (5 by default) of the following month.
- The workflow is verification.services.transition: the facilitator submits (SUBMIT in the
  facilitators area), the Dinas approves (= verify) or returns with a reason. A report is one person's
  own work: MonthlyReport.submitted_by_its_author() tells the separation of duties that only the
  facilitator themself may not approve it, so the Dinas that hosts them (often their own agency in
  their profile) can (docs/facilitators.md, "Monthly reports").
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape  # nosec B406 - escapes text for Paragraph markup; parses nothing

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action, Area
from sentra.accounts.scope import Actor, require, require_record
from sentra.audit.models import AuditAction
from sentra.audit.services import record_change, snapshot
from sentra.coordination.calendar import zone_of_region
from sentra.core.errors import AccessDenied, DomainError, FieldError
from sentra.core.exports import FORMULA_PREFIXES
from sentra.core.text import replace_controls
from sentra.core.validation import full_clean_or_raise
from sentra.core.versioning import check_version, lock_latest
from sentra.programmes.reports.data import long_date
from sentra.verification.models import VerificationStatus as S
from sentra.verification.services import transition

from . import selectors
from .choices import ProposalStatus, VisitKind
from .models import (
    Contract,
    EnterpriseProposal,
    Facilitator,
    MonthlyReport,
    Placement,
    Visit,
    VisitAction,
    VisitCentre,
    VisitEnterprise,
    VisitPhoto,
)

AREA = Area.FACILITATORS
TEXT_FIELDS = ("results", "problems", "plan_next_month")
# What a report may be regenerated and edited in: the facilitator's own hands.
OPEN_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# How far back the late list looks (months whose due date passed).
LATE_WINDOW_MONTHS = 12


def _error(message: str, code: str, field_name: str | None = None) -> DomainError:
    errors = [FieldError(field_name, message, code)] if field_name else []
    return DomainError(message, code=code, errors=errors)


# --- months -------------------------------------------------------------------------------------------


def due_day() -> int:
    """Day of the next month a report is due on (SENTRA_REPORT_DUE_DAY, 5 by default; 1–28)."""
    return min(max(int(getattr(settings, "SENTRA_REPORT_DUE_DAY", 5)), 1), 28)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def due_on_for(month: dt.date) -> dt.date:
    return next_month(month).replace(day=due_day())


def month_label(month: dt.date) -> str:
    from sentra.programmes.choices import Month

    return f"{Month(month.month).label} {month.year}"


def month_bounds(month: dt.date, regency_code: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month on the placement regency's clock, as aware datetimes."""
    zone = zone_of_region(regency_code)
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(next_month(month), dt.time.min, tzinfo=zone)
    return start, end


# Months a report can be about (TPL-IKM began in 2008): outside, dates would overflow at the edges
# of the calendar when moved to UTC or to the next month.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(value) -> dt.date:
    """A month as "2026-10", "2026-10-01" or a date → its first day; a clear error otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    month = None
    if isinstance(value, dt.date):
        month = month_start(value)
    else:
        text = str(value or "").strip()
        for fmt in ("%Y-%m", "%Y-%m-%d"):
            try:
                month = month_start(dt.datetime.strptime(text, fmt).date())
                break
            except ValueError:
                continue
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise _error(
            _("Bulan tidak dikenali: tulis tahun-bulan antara %(first)s dan %(last)s, mis. 2026-10.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "invalid_month",
            "month",
        )
    return month


# --- figures ------------------------------------------------------------------------------------------


def month_visits(facilitator: Facilitator, month: dt.date) -> QuerySet[Visit]:
    start, end = month_bounds(month, facilitator.regency_code)
    return Visit.objects.filter(facilitator=facilitator, visited_at__gte=start, visited_at__lt=end)


def count_figures(facilitator: Facilitator, month: dt.date) -> dict:
    """What the month's visits add up to (all counts from the database; nothing typed).

    - visits, and visits by kind (every kind listed, zero included);
    - enterprises and centres assisted: distinct ones over the month's visits;
    - problems raised: visits whose problems text is not empty;
    - actions agreed: follow-up actions of the month's visits; actions done: the facilitator's actions
      (of any visit) marked done within the month;
    - proposals made: enterprise updates proposed within the month; applied: the facilitator's
      proposals applied (decided) within the month;
    - photos of the month's visits; `visit_ids`: the visits the report lists, in date order.
    """
    start, end = month_bounds(month, facilitator.regency_code)
    visits = month_visits(facilitator, month)
    visit_ids = list(visits.order_by("visited_at", "pk").values_list("pk", flat=True))
    kinds = Counter(visits.values_list("kind", flat=True))
    last = month_end(month)
    return {
        "visits": len(visit_ids),
        "by_kind": {value: kinds.get(value, 0) for value in VisitKind.values},
        "enterprises": VisitEnterprise.objects.filter(visit_id__in=visits.values("pk"))
        .values("enterprise_id")
        .distinct()
        .count(),
        "centres": VisitCentre.objects.filter(visit_id__in=visits.values("pk"))
        .values("centre_id")
        .distinct()
        .count(),
        "problems": visits.exclude(problems="").count(),
        "actions_agreed": VisitAction.objects.filter(visit_id__in=visits.values("pk")).count(),
        "actions_done": VisitAction.objects.filter(
            visit__facilitator=facilitator, done_on__gte=month, done_on__lte=last
        ).count(),
        "proposals_made": EnterpriseProposal.objects.filter(
            facilitator=facilitator, created_at__gte=start, created_at__lt=end
        ).count(),
        "proposals_applied": EnterpriseProposal.objects.filter(
            facilitator=facilitator,
            outcome=ProposalStatus.APPLIED,
            decided_at__gte=start,
            decided_at__lt=end,
        ).count(),
        "photos": VisitPhoto.objects.filter(visit_id__in=visits.values("pk")).count(),
        "visit_ids": visit_ids,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


FIGURE_LABELS = (
    ("visits", "Kunjungan"),
    ("enterprises", "IKM didampingi"),
    ("centres", "Sentra IKM didampingi"),
    ("problems", "Kunjungan dengan permasalahan"),
    ("actions_agreed", "Tindak lanjut disepakati"),
    ("actions_done", "Tindak lanjut selesai"),
    ("proposals_made", "Usulan pembaruan data IKM"),
    ("proposals_applied", "Usulan diterapkan"),
    ("photos", "Foto kunjungan"),
)


def figure_rows(figures: dict) -> list[tuple[str, int]]:
    """(label, count) in print order; the kinds of visit after the totals, those above zero only."""
    rows = [(_(label), int(figures.get(key, 0) or 0)) for key, label in FIGURE_LABELS]
    by_kind = figures.get("by_kind") or {}
    for value, label in VisitKind.choices:
        if by_kind.get(value):
            rows.append(("· " + str(label), int(by_kind[value])))
    return rows


# --- writes -------------------------------------------------------------------------------------------


def _require_write(actor: Actor, action: str, facilitator: Facilitator) -> None:
    """The facilitator must be visible to the actor (404 outside), and the role may act in the area."""
    selectors.get_visible(actor, selectors.visible_facilitators(actor), facilitator.pk)
    require(actor, action, AREA)


@transaction.atomic
def generate(*, actor: Actor, facilitator: Facilitator, month) -> MonthlyReport:
    """Creates the month's report, or refreshes its figures while it is a draft or returned."""
    month = parse_month(month)
    _require_write(actor, Action.CREATE, facilitator)
    today = timezone.localdate()
    if month > month_start(today):
        raise _error(
            _("Bulan %(month)s belum dimulai: laporan dibuat untuk bulan berjalan atau yang sudah lewat.")
            % {"month": month_label(month)},
            "month_in_future",
            "month",
        )
    report = MonthlyReport.objects.select_for_update().filter(facilitator=facilitator, month=month).first()
    figures = count_figures(facilitator, month)
    if report is None:
        report = MonthlyReport(
            facilitator=facilitator, month=month, due_on=due_on_for(month), figures=figures
        )
        report.place_at(facilitator.regency_code)
        full_clean_or_raise(report, exclude=["facilitator"])
        report.save()
        record_change(actor=actor, action=AuditAction.CREATE, obj=report)
        return report
    if report.verification_status not in OPEN_STATUSES:
        raise _error(
            _(
                "Laporan %(month)s sudah %(status)s: angkanya tidak dihitung ulang. Minta Dinas "
                "mengembalikannya bila ada yang harus diperbaiki."
            )
            % {"month": month_label(month), "status": report.get_verification_status_display().lower()},
            "report_locked",
        )
    before = snapshot(report)
    report.figures = figures
    report.due_on = due_on_for(month)
    report.save(update_fields=["figures", "due_on", "updated_at"])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=report, before=before)
    return report


@transaction.atomic
def update_text(
    *, actor: Actor, report: MonthlyReport, expected_version: int | None = None, **data
) -> MonthlyReport:
    """The facilitator's own words: results, problems, plan for next month (draft or returned only)."""
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    require_record(actor, Action.EDIT, report)
    lock_latest(report, expected_version)
    check_version(report, expected_version)
    if report.verification_status not in OPEN_STATUSES:
        raise _error(
            _("Laporan ini sudah %(status)s dan tidak dapat diubah.")
            % {"status": report.get_verification_status_display().lower()},
            "report_locked",
        )
    before = snapshot(report)
    for name, value in data.items():
        setattr(report, name, (value or "").strip())
    full_clean_or_raise(report)
    report.save()
    record_change(actor=actor, action=AuditAction.UPDATE, obj=report, before=before)
    return report


def _may_submit(actor: Actor, report: MonthlyReport) -> None:
    """A facilitator with an account submits their report themself; the Dinas submits on behalf of
    one without an account (a report brought on paper)."""
    if actor.is_superuser or actor.role == Role.FACILITATOR or report.facilitator.user_id is None:
        return
    raise AccessDenied(_("Laporan bulanan diajukan oleh pendampingnya sendiri."))


@transaction.atomic
def submit(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    """Counts the month once more (the visits synced since), then submits: a report needs its
    results written first."""
    require_record(actor, Action.SUBMIT, report)
    _may_submit(actor, report)
    if report.verification_status in OPEN_STATUSES:
        if not report.results.strip():
            raise _error(
                _("Tuliskan hasil pendampingan sebelum mengajukan laporan."),
                "report_incomplete",
                "results",
            )
        before = snapshot(report)
        report.figures = count_figures(report.facilitator, report.month)
        report.save(update_fields=["figures", "updated_at"])
        record_change(actor=actor, action=AuditAction.UPDATE, obj=report, before=before)
    transition(actor=actor, name="submit", record=report)
    report.refresh_from_db()
    return report


def approve(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    transition(actor=actor, name="verify", record=report)
    report.refresh_from_db()
    return report


def return_report(*, actor: Actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    transition(actor=actor, name="return", record=report, reason=reason)
    report.refresh_from_db()
    return report


# --- reads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    month: dt.date | None = None
    status: str = ""
    facilitator: int | None = None
    late: bool = False
    q: str = ""


def is_late(report: MonthlyReport, as_of: dt.date | None = None) -> bool:
    as_of = as_of or timezone.localdate()
    return report.verification_status in OPEN_STATUSES and report.due_on < as_of


def report_list(*, actor: Actor, filters: ReportFilter | None = None) -> QuerySet[MonthlyReport]:
    filters = filters or ReportFilter()
    qs = selectors.visible_reports(actor).select_related("facilitator")
    if filters.month:
        qs = qs.filter(month=month_start(filters.month))
    if filters.status:
        qs = qs.filter(verification_status=filters.status)
    if filters.facilitator:
        qs = qs.filter(facilitator_id=filters.facilitator)
    if filters.late:
        qs = qs.filter(verification_status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    if filters.q:
        qs = qs.filter(facilitator__name__icontains=filters.q)
    return qs.order_by("-month", "facilitator__name", "pk")


def report_get(*, actor: Actor, pk, action: str = Action.VIEW) -> MonthlyReport:
    return selectors.get_visible(
        actor, selectors.visible_reports(actor).select_related("facilitator"), pk, action
    )


@dataclass
class LateMonth:
    month: dt.date
    due_on: dt.date
    days_late: int
    report: MonthlyReport | None  # None: not even generated


@dataclass
class LateFacilitator:
    facilitator: Facilitator
    months: list[LateMonth] = field(default_factory=list)


def _periods(facilitator_ids: list[int]) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    periods: dict[int, list] = {}
    for fid, start, end in Contract.objects.filter(facilitator_id__in=facilitator_ids).values_list(
        "facilitator_id", "period_start", "period_end"
    ):
        periods.setdefault(fid, []).append((start, end))
    for fid, start, end in Placement.objects.filter(facilitator_id__in=facilitator_ids).values_list(
        "facilitator_id", "starts_on", "ends_on"
    ):
        periods.setdefault(fid, []).append((start, end))
    return periods


def late_reports(*, actor: Actor, as_of: dt.date | None = None) -> list[LateFacilitator]:
    """Per facilitator the months that ended, whose due date passed, with no submitted report: not
    generated, still a draft, or returned and not sent again. A month counts when one of the
    facilitator's contracts or placements covers part of it; the list looks back LATE_WINDOW_MONTHS."""
    as_of = as_of or timezone.localdate()
    if not FIRST_YEAR <= as_of.year <= LAST_YEAR:
        raise _error(
            _("Tanggal acuan harus antara tahun %(first)s dan %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "invalid_date",
            "as_of",
        )
    last = month_start(as_of)
    months = []
    month = last
    for _step in range(LATE_WINDOW_MONTHS + 1):
        months.append(month)
        month = month_start(month - dt.timedelta(days=1))
    facilitators = list(selectors.visible_facilitators(actor).order_by("name", "pk"))
    ids = [f.pk for f in facilitators]
    periods = _periods(ids)
    reports = {
        (r.facilitator_id, r.month): r
        for r in MonthlyReport.objects.filter(facilitator_id__in=ids, month__gte=min(months))
    }
    result = []
    for facilitator in facilitators:
        entry = LateFacilitator(facilitator)
        for month in sorted(months):
            covered = any(
                start <= month_end(month) and (end is None or end >= month)
                for start, end in periods.get(facilitator.pk, [])
            )
            if not covered:
                continue
            report = reports.get((facilitator.pk, month))
            if report is not None and report.verification_status not in OPEN_STATUSES:
                continue
            due = report.due_on if report is not None else due_on_for(month)
            if due >= as_of:
                continue
            entry.months.append(LateMonth(month, due, (as_of - due).days, report))
        if entry.months:
            result.append(entry)
    return result


# --- the printed report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitLine:
    date: str
    place: str
    enterprises: str
    kind: str
    findings: str
    problems: str
    advice: str


@dataclass
class ReportDocument:
    title: str
    header: list[tuple[str, str]]
    figures: list[tuple[str, int]]
    visits: list[VisitLine]
    results: str
    problems: str
    plan_next_month: str
    status: str
    status_lines: list[str]
    facilitator_name: str
    supervisor_name: str
    signed_at: str
    approved: bool


def _placement_in(facilitator: Facilitator, month: dt.date) -> Placement | None:
    return (
        Placement.objects.filter(facilitator=facilitator, starts_on__lte=month_end(month))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month))
        .select_related("region", "host_agency", "supervisor")
        .order_by("-starts_on", "-pk")
        .first()
    )


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _visit_lines(report: MonthlyReport) -> list[VisitLine]:
    ids = report.figures.get("visit_ids") or []
    visits = (
        Visit.objects.filter(pk__in=ids, facilitator_id=report.facilitator_id)
        .select_related("village")
        .prefetch_related("visit_enterprises__enterprise", "visit_centres__centre")
        .order_by("visited_at", "pk")
    )
    zone = zone_of_region(report.regency_code)
    lines = []
    for visit in visits:
        names = [vc.centre.name for vc in visit.visit_centres.all()]
        names += [ve.enterprise.name for ve in visit.visit_enterprises.all()]
        lines.append(
            VisitLine(
                date=f"{visit.visited_at.astimezone(zone):%d/%m/%Y %H.%M}",
                place=visit.village.name if visit.village_id else "",
                enterprises=", ".join(names),
                kind=str(visit.get_kind_display()),
                findings=visit.findings,
                problems=visit.problems,
                advice=visit.advice,
            )
        )
    return lines


def report_document(report: MonthlyReport) -> ReportDocument:
    """What the PDF and the XLSX print, read from a report the caller already read through the scope."""
    facilitator = report.facilitator
    placement = _placement_in(facilitator, report.month)
    supervisor = _person(placement.supervisor) if placement and placement.supervisor_id else ""
    where = placement.region.name if placement else ""
    agency = placement.host_agency.name if placement else facilitator.agency.name
    header = [
        (_("Nama pendamping"), facilitator.name),
        (_("Angkatan"), str(facilitator.cohort)),
        (_("Penempatan"), ", ".join(p for p in (where, agency) if p)),
        (_("Bulan laporan"), month_label(report.month)),
        (_("Pembimbing/atasan"), supervisor or "—"),
        (_("Batas penyampaian"), long_date(report.due_on)),
    ]
    status = str(report.get_verification_status_display())
    lines = [_("Status: %(status)s") % {"status": status}]
    if report.submitted_at:
        lines.append(
            _("Diajukan %(date)s") % {"date": long_date(timezone.localtime(report.submitted_at).date())}
        )
    if report.verified_at:
        lines.append(
            _("Disetujui %(date)s") % {"date": long_date(timezone.localtime(report.verified_at).date())}
        )
    if report.verification_status == S.RETURNED and report.return_reason:
        lines.append(_("Dikembalikan: %(reason)s") % {"reason": report.return_reason})
    approved = report.verification_status in (S.VERIFIED, S.ACCEPTED)
    signed_day = timezone.localtime(report.verified_at).date() if report.verified_at else None
    return ReportDocument(
        title=_("Laporan Bulanan TPL-IKM %(month)s") % {"month": month_label(report.month)},
        header=header,
        figures=figure_rows(report.figures),
        visits=_visit_lines(report),
        results=report.results,
        problems=report.problems,
        plan_next_month=report.plan_next_month,
        status=status,
        status_lines=lines,
        facilitator_name=facilitator.name,
        supervisor_name=supervisor,
        signed_at=f"{where or '…………'}, {long_date(signed_day) if signed_day else '…………………'}",
        approved=approved,
    )


def file_name(report: MonthlyReport, extension: str) -> str:
    return f"laporan-bulanan-tpl-{report.facilitator_id}-{report.month:%Y-%m}.{extension}"


# --- PDF ----------------------------------------------------------------------------------------------


# A row of the visits table must fit on one page (reportlab cannot split a table row): a cell's text
# is cut here in the PDF, and read whole in the XLSX and on the visit's page.
PDF_CELL_CHARS = 900


def _cell_text(text: str) -> str:
    text = str(text or "")
    if len(text) <= PDF_CELL_CHARS:
        return text
    return text[:PDF_CELL_CHARS].rstrip() + " … " + _("(selengkapnya di XLSX)")


def report_pdf(doc: ReportDocument) -> bytes:
    """A4 landscape for the visits table's seven columns; built-in Helvetica, text XML-escaped."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sentra.core.pdf import NumberedCanvas, page_number
    from sentra.programmes.reports.pdf import HEAD

    page = landscape(A4)
    margin = 15 * mm
    width = page[0] - 2 * margin - 12
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    small_bold = ParagraphStyle("smallbold", parent=small, fontName="Helvetica-Bold")
    title = ParagraphStyle(
        "title", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=18, alignment=TA_CENTER
    )
    h2 = ParagraphStyle(
        "h2",
        parent=body,
        fontName="Helvetica-Bold",
        fontSize=11,
        leading=14,
        spaceBefore=8,
        spaceAfter=4,
        keepWithNext=1,
    )
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    grid_colour = colors.HexColor("#808080")

    def para(text, style=body):
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)

    def grid(rows, widths):
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, grid_colour),
                    ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    facts = Table(
        [[para(label), para(":"), para(value)] for label, value in doc.header],
        colWidths=[40 * mm, 4 * mm, width - 44 * mm],
        hAlign="LEFT",
    )
    facts.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story: list = [
        para(_("LAPORAN BULANAN TENAGA PENYULUH LAPANGAN IKM (TPL-IKM)"), title),
        Spacer(1, 5 * mm),
        facts,
    ]
    story.append(para(_("Ringkasan angka"), h2))
    rows = [[para(_("Uraian"), small_bold), para(_("Jumlah"), small_bold)]]
    rows += [[para(label, small), para(count, small)] for label, count in doc.figures]
    story.append(grid(rows, [90 * mm, 25 * mm]))
    story.append(para(_("Daftar kunjungan"), h2))
    if doc.visits:
        heads = (
            _("No."),
            _("Tanggal"),
            _("Tempat"),
            _("Sentra/IKM"),
            _("Tujuan"),
            _("Temuan"),
            _("Permasalahan"),
            _("Saran"),
        )
        rows = [[para(h, small_bold) for h in heads]]
        for i, v in enumerate(doc.visits, 1):
            rows.append(
                [
                    para(i, small),
                    *(
                        para(_cell_text(x), small)
                        for x in (v.date, v.place, v.enterprises, v.kind, v.findings, v.problems, v.advice)
                    ),
                ]
            )
        fixed = [9 * mm, 21 * mm, 26 * mm, 40 * mm, 36 * mm]
        rest = (width - sum(fixed)) / 3
        story.append(grid(rows, [*fixed, rest, rest, rest]))
    else:
        story.append(para(_("Tidak ada kunjungan tercatat pada bulan ini.")))
    for heading, text in (
        (_("Hasil pendampingan"), doc.results),
        (_("Permasalahan"), doc.problems),
        (_("Rencana bulan berikutnya"), doc.plan_next_month),
    ):
        story += [para(heading, h2), para(text or "—")]
    story += [para(_("Status persetujuan"), h2), para(" · ".join(doc.status_lines))]
    half = width / 2
    mark = _("DISETUJUI") if doc.approved else ""
    sign = Table(
        [
            [para(""), para(doc.signed_at, centre)],
            [para(_("Pendamping (TPL-IKM),"), centre), para(_("Mengetahui/menyetujui, Pembimbing,"), centre)],
            [Spacer(1, 8 * mm), para(mark, centre)],
            [Spacer(1, 8 * mm), Spacer(1, 8 * mm)],
            [
                para(f"( {doc.facilitator_name} )", centre),
                para(f"( {doc.supervisor_name or '.' * 45} )", centre),
            ],
        ],
        colWidths=[half, half],
    )
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(KeepTogether([Spacer(1, 6 * mm), sign]))

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(margin + 6, 8 * mm, f"{doc.title} — {doc.facilitator_name}"[:120])
        page_number(canvas, page[0] - margin - 6, 8 * mm, size=7.5)
        canvas.restoreState()

    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"{doc.title} — {doc.facilitator_name}",
        author="Sentra",
    ).build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=NumberedCanvas)
    return out.getvalue()


# --- XLSX ---------------------------------------------------------------------------------------------


def _cell(ws, row: int, column: int, value, *, bold: bool = False, box: bool = False):
    """Numbers as numbers, text as text; text a spreadsheet could take for a formula stays text
    (Excel's quote prefix, never run)."""
    from openpyxl.styles import Alignment, Border, Font, Side

    if value is None:
        value = ""
    cell = ws.cell(row=row, column=column)
    cell.value = replace_controls(str(value)) if not isinstance(value, int | float) else value
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    if box:
        thin = Side(style="thin", color="999999")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def report_xlsx(doc: ReportDocument) -> bytes:
    """Two sheets: Laporan (header, figures, the facilitator's text, status) and Kunjungan (visits)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "Laporan"
    _cell(ws, 1, 1, _("LAPORAN BULANAN TPL-IKM")).font = Font(bold=True, size=13)
    row = 3
    for label, value in doc.header:
        _cell(ws, row, 1, label, bold=True)
        _cell(ws, row, 2, value)
        row += 1
    row += 1
    _cell(ws, row, 1, _("Uraian"), bold=True, box=True)
    _cell(ws, row, 2, _("Jumlah"), bold=True, box=True)
    for label, count in doc.figures:
        row += 1
        _cell(ws, row, 1, label, box=True)
        _cell(ws, row, 2, count, box=True)
    row += 2
    for heading, text in (
        (_("Hasil pendampingan"), doc.results),
        (_("Permasalahan"), doc.problems),
        (_("Rencana bulan berikutnya"), doc.plan_next_month),
        (_("Status persetujuan"), " · ".join(doc.status_lines)),
    ):
        _cell(ws, row, 1, heading, bold=True)
        _cell(ws, row, 2, text)
        row += 1
    row += 1
    _cell(ws, row, 1, _("Pendamping (TPL-IKM)"))
    _cell(ws, row, 2, doc.facilitator_name)
    _cell(ws, row + 1, 1, _("Pembimbing"))
    _cell(ws, row + 1, 2, doc.supervisor_name + (f" — {_('DISETUJUI')}" if doc.approved else ""))
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 80

    visits = book.create_sheet("Kunjungan")
    heads = (
        _("No."),
        _("Tanggal"),
        _("Tempat"),
        _("Sentra/IKM"),
        _("Tujuan"),
        _("Temuan"),
        _("Permasalahan"),
        _("Saran"),
    )
    widths = (6, 17, 22, 36, 26, 40, 40, 40)
    for col, (head, w) in enumerate(zip(heads, widths, strict=True), 1):
        _cell(visits, 1, col, head, bold=True, box=True)
        visits.column_dimensions[chr(64 + col)].width = w
    for i, v in enumerate(doc.visits, 1):
        for col, value in enumerate(
            (i, v.date, v.place, v.enterprises, v.kind, v.findings, v.problems, v.advice), 1
        ):
            _cell(visits, i + 1, col, value, box=True)
    visits.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
