"""What each role may do. The one table every check in Sentra reads (see accounts/scope.py for where).

The table is per area: what a role may do with the registries (IKM, sentra, products, decrees) is
not what it may do with programmes and budgets. An area is named by the app label of the records it
covers (a record's `_meta.app_label`), so a new domain adds its row here and nothing else."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Role


class Action(models.TextChoices):
    LIST = "list", _("melihat daftar")
    VIEW = "view", _("melihat detail")
    CREATE = "create", _("menambah")
    EDIT = "edit", _("mengubah")
    DELETE = "delete", _("menghapus")
    EXPORT = "export", _("mengekspor")
    IMPORT = "import", _("mengimpor")
    SUBMIT = "submit", _("mengajukan")
    VERIFY = "verify", _("memverifikasi")
    ACCEPT = "accept", _("menerima")
    RETURN = "return", _("mengembalikan")
    REOPEN = "reopen", _("membuka kembali")
    RESTORE = "restore", _("memulihkan versi")
    ROLLBACK = "rollback", _("membatalkan impor")


READ = frozenset({Action.LIST, Action.VIEW, Action.EXPORT})
WRITE = frozenset({Action.CREATE, Action.EDIT, Action.DELETE, Action.IMPORT, Action.RESTORE, Action.ROLLBACK})

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # The ministry reads everything, accepts what provinces verified and alone reopens accepted data.
    Role.MINISTRY_ADMIN: frozenset(Action.values),
    Role.MINISTRY_ANALYST: READ,
    # The province oversees its regencies: it verifies (or returns) what they submit.
    Role.PROVINCE_OFFICER: READ | WRITE | {Action.SUBMIT, Action.VERIFY, Action.RETURN},
    # The regency records and controls on site, and submits its data upwards.
    Role.REGENCY_OFFICER: READ | WRITE | {Action.SUBMIT},
    # A facilitator enters field data for the regency's officer to check and submit.
    Role.FACILITATOR: READ | {Action.CREATE, Action.EDIT},
    # Crafts councils record their own programme's data and submit it like any agency that owns
    # records; they change (and submit) only their agency's records.
    Role.DEKRANAS_OFFICER: READ | {Action.CREATE, Action.EDIT, Action.SUBMIT},
    Role.VIEWER: READ,
}


class Area(models.TextChoices):
    REGISTRY = "registry", _("registri IKM, sentra dan produk")
    PROGRAMMES = "programmes", _("program, kegiatan dan anggaran")
    COORDINATION = "coordination", _("rapat koordinasi, tindak lanjut dan kesepakatan")
    ANALYTICS = "analytics", _("analisis: tautan kegiatan yang tumpang tindih, potensi unggulan")
    FACILITATORS = "facilitators", _("pendamping lapangan (TPL-IKM): kontrak, kunjungan, laporan")


AREA_ACTIONS: dict[str, dict[str, frozenset[str]]] = {
    Area.REGISTRY: ROLE_ACTIONS,
    # Programmes and budgets (programme, activity, outputs, DIPA/DPA and revisions, RPD, realisation,
    # plan copy, dekon allocation): the agencies that plan and spend write them; a facilitator
    # enters field data in the registries and only reads plans and budgets.
    Area.PROGRAMMES: {**ROLE_ACTIONS, Role.FACILITATOR: READ},
    # Meetings, follow-ups and agreements are organised and signed by agencies and councils; a
    # facilitator attends and reads them (the organiser records attendance and decisions).
    Area.COORDINATION: {**ROLE_ACTIONS, Role.FACILITATOR: READ},
    # Links between overlapping activities are planning decisions: made by those who plan (as
    # programmes); the figures of leading potential are reads for everyone.
    Area.ANALYTICS: {**ROLE_ACTIONS, Role.FACILITATOR: READ},
    # Facilitators, contracts, placements, visits, proposals and monthly reports: the regency's Dinas
    # manages its facilitators and approves (verifies) their reports and proposals; the province
    # oversees; a facilitator records their own visits and proposals and submits their own report
    # (facilitators.selectors narrows what a facilitator may read and change to their own work).
    Area.FACILITATORS: {
        **ROLE_ACTIONS,
        Role.REGENCY_OFFICER: READ | WRITE | {Action.SUBMIT, Action.VERIFY, Action.RETURN},
        Role.FACILITATOR: READ | {Action.CREATE, Action.EDIT, Action.SUBMIT},
        Role.DEKRANAS_OFFICER: READ,
    },
}

# Steps of the verification workflow: a role with none of them has no verification page to open.
WORKFLOW = frozenset({Action.SUBMIT, Action.VERIFY, Action.ACCEPT, Action.RETURN, Action.REOPEN})

# Roles whose writes are limited to records their own agency owns, not to everything in their region.
OWN_AGENCY_ONLY = frozenset({Role.DEKRANAS_OFFICER})

# Which roles a user administrator may hand out: never one above their own level.
NATIONAL_ROLES = frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST})


def role_allows(role: str | None, action: str, area: str | None = None) -> bool:
    """Whether a role may take an action in an area (None: the registries, the default area)."""
    table = AREA_ACTIONS.get(area or Area.REGISTRY, ROLE_ACTIONS)
    return action in table.get(role or "", frozenset())


def area_of(record) -> str | None:
    """The area a record belongs to: its app's label when the table has one for it."""
    label = getattr(getattr(record, "_meta", None), "app_label", None)
    return label if label in AREA_ACTIONS else None
