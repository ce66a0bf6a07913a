"""The filters of the meeting, follow-up and agreement lists, declared once (core/filtersets.py): the web
pages and the API build their inputs from these and clean every value the same way."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sentra.agencies.models import Agency
from sentra.core.filtersets import FilterField, FilterSet

from . import selectors
from .choices import AgreementKind, AgreementStatus, FollowUpStatus, MeetingKind, MeetingStatus

REGION_PATTERN = r"[0-9.]{1,13}"
ID_MAX = 2**31 - 1


def _agency_choices():
    return Agency.objects.order_by("name").values_list("pk", "name")


def _search(description: str) -> FilterField:
    return FilterField("q", label=_("Cari"), description=description, max_length=200)


def _region(description: str) -> FilterField:
    return FilterField(
        "region", label=_("Kode wilayah"), description=description, max_length=13, pattern=REGION_PATTERN
    )


MEETING_FILTERS = FilterSet(
    selectors.MeetingFilter,
    (
        _search("Cari judul, tempat atau tema."),
        FilterField("kind", "choice", _("Jenis rapat"), choices=MeetingKind.choices),
        FilterField("status", "choice", _("Status"), choices=MeetingStatus.choices),
        _region("Wilayah penyelenggara atau tuan rumah, mis. 53."),
        FilterField("series", "integer", _("Seri"), "Id seri rapat.", minimum=1, maximum=ID_MAX),
        FilterField(
            "year", "integer", _("Tahun"), "Tahun anggaran.", minimum=2000, maximum=2100, web_name="tahun"
        ),
    ),
    sorts={"starts_at": _("Waktu"), "title": _("Rapat"), "status": _("Status")},
)

FOLLOW_UP_FILTERS = FilterSet(
    selectors.FollowUpFilter,
    (
        _search("Cari uraian atau penanggung jawab."),
        FilterField(
            "owner",
            "integer",
            _("Instansi pemilik"),
            "Id instansi pemilik.",
            choices=_agency_choices,
            check_choices=False,  # an agency that owns nothing simply lists nothing
            minimum=1,
            maximum=ID_MAX,
        ),
        _region("Wilayah instansi pemilik, mis. 64 atau 64.08."),
        FilterField("status", "choice", _("Status"), choices=FollowUpStatus.choices),
        FilterField(
            "overdue",
            "boolean",
            _("Tenggat"),
            "true: hanya yang terlambat; false: yang tidak terlambat.",
            choices=[("1", _("Terlambat")), ("0", _("Tidak terlambat"))],
        ),
        FilterField("meeting", "integer", _("Rapat"), "Id rapat.", minimum=1, maximum=ID_MAX),
    ),
    sorts={"due_on": _("Tenggat"), "owner": _("Pemilik"), "status": _("Status")},
)

AGREEMENT_FILTERS = FilterSet(
    selectors.AgreementFilter,
    (
        _search("Cari judul atau nomor dokumen pihak."),
        FilterField("kind", "choice", _("Jenis"), choices=AgreementKind.choices),
        FilterField("status", "choice", _("Status"), choices=AgreementStatus.choices),
        _region("Wilayah instansi pemilik."),
        FilterField(
            "expiring_within_days",
            "integer",
            _("Berakhir dalam"),
            "Hanya yang berakhir dalam sekian hari (mis. 90).",
            choices=[(30, _("30 hari")), (90, _("90 hari"))],
            check_choices=False,
            minimum=0,
            maximum=3650,
            web_name="expiring",
        ),
    ),
    sorts={"title": _("Kerja sama"), "valid_from": _("Berlaku mulai"), "valid_until": _("Berlaku sampai")},
)
