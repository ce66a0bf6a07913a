"""The main menu, grouped by what people come to do (issue 14.4), each entry shown only to the roles
that may use it.

Groups: registries · programmes and budget · coordination · facilitators · analysis, then the
utilities (imports, verification, notifications, account) at the end. An entry names its page by URL
name and the `may` flag (web/context_processors.py) a role needs to see it: a page that does not exist
(yet) or a flag the permission table does not know hides the entry, and a group with no entry left
is not shown. A new domain adds its entries here (a group of its own is already waiting for
coordination and for facilitators).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    prefix: str  # the paths that belong to it, for the "you are here" mark
    may: str | None = None  # the `may` flag a role needs; None: every signed-in user


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]


GROUPS = (
    Group(
        "registry",
        _("Registri"),
        (
            Entry(_("IKM"), "web:enterprise_list", "/ikm/", "list"),
            Entry(_("Sentra IKM"), "web:centre_list", "/sentra/", "list"),
            Entry(_("Produk"), "web:product_list", "/produk/", "list"),
        ),
    ),
    Group(
        "programmes",
        _("Program & anggaran"),
        (
            Entry(_("Program dan kegiatan"), "web:activity_list", "/program/", "programmes_list"),
            Entry(_("Pengendalian anggaran"), "web:control_dashboard", "/pengendalian/", "programmes_list"),
        ),
    ),
    # Meetings, follow-ups and agreements (part 4), by the "coordination" area of accounts/permissions.py.
    Group(
        "coordination",
        _("Koordinasi"),
        (
            Entry(_("Rapat"), "web:meeting_list", "/koordinasi/rapat/", "coordination_list"),
            Entry(
                _("Tindak lanjut"), "web:follow_up_list", "/koordinasi/tindak-lanjut/", "coordination_list"
            ),
            Entry(
                _("Dasbor tindak lanjut"),
                "web:follow_up_dashboard",
                "/koordinasi/dasbor-tindak-lanjut/",
                "coordination_list",
            ),
            Entry(
                _("Program nasional"),
                "web:national_programme_list",
                "/koordinasi/program-nasional/",
                "coordination_list",
            ),
            Entry(
                _("Kesepakatan (MoU/PK)"),
                "web:agreement_list",
                "/koordinasi/kerja-sama/",
                "coordination_list",
            ),
            Entry(_("Kalender"), "web:calendar_month", "/koordinasi/kalender/", "coordination_list"),
        ),
    ),
    # Field facilitators (part 5), by the "facilitators" area; a facilitator sees only their own work.
    Group(
        "facilitators",
        _("Pendamping"),
        (
            Entry(_("Pendamping (TPL-IKM)"), "web:facilitator_list", "/pendamping/tpl/", "facilitators_list"),
            Entry(_("Kontrak"), "web:facilitator_contract_list", "/pendamping/kontrak/", "facilitators_list"),
            Entry(_("Kunjungan"), "web:visit_list", "/pendamping/kunjungan/", "facilitators_list"),
            Entry(
                _("Laporan bulanan"), "web:monthly_report_list", "/pendamping/laporan/", "facilitators_list"
            ),
            # Field proposals wait for whoever decides them (the Dinas: verify in the facilitators area).
            Entry(
                _("Usulan pembaruan IKM"),
                "web:facilitator_proposal_list",
                "/pendamping/usulan/",
                "facilitators_verify",
            ),
            # Coverage and performance per region: the managers' view, not a facilitator's.
            Entry(
                _("Cakupan pendampingan"),
                "web:facilitator_coverage",
                "/pendamping/cakupan/",
                "facilitator_coverage",
            ),
            # The phone app (offline visits): the facilitator's own tool, shown to facilitators only.
            Entry(_("Aplikasi lapangan"), "web:field_app", "/lapangan/", "field_app"),
        ),
    ),
    Group(
        "analysis",
        _("Analisis"),
        (
            Entry(_("Dasbor dan peta"), "web:dashboard", "/", "list"),
            Entry(_("Potensi unggulan"), "web:analytics_potential", "/analisis/potensi/", "analytics_list"),
            Entry(
                _("Profil wilayah (lampiran Rakor)"),
                "web:analytics_profile_index",
                "/analisis/profil/",
                "analytics_list",
            ),
            Entry(
                _("Kandidat sentra"),
                "web:analytics_candidates",
                "/analisis/kandidat-sentra/",
                "analytics_list",
            ),
            Entry(
                _("Tumpang tindih kegiatan"),
                "web:analytics_overlaps",
                "/analisis/tumpang-tindih/",
                "analytics_list",
            ),
            Entry(_("Laporan (dekon, Rakor)"), "web:reports", "/laporan/", "programmes_list"),
        ),
    ),
)

UTILITIES = (
    Entry(_("Impor"), "web:import_upload", "/impor/", "import"),
    Entry(_("Verifikasi"), "web:verification_queue", "/verifikasi/", "verification"),
    Entry(_("Notifikasi"), "web:notifications", "/notifikasi/"),
    Entry(_("Akun"), "web:account", "/akun/"),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    key: str  # the URL name without "web:" (ids and tests)
    active: bool


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str
    links: list[Link]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


def _is_active(prefix: str, path: str) -> bool:
    return path == "/" if prefix == "/" else path.startswith(prefix)


def _link(entry: Entry, may, path: str) -> Link | None:
    if entry.may is not None and not (entry.may in may and may[entry.may]):
        return None
    try:
        url = reverse(entry.url_name)
    except NoReverseMatch:
        return None
    return Link(entry.label, url, entry.url_name.split(":")[-1], _is_active(entry.prefix, path))


def menu(may, path: str) -> tuple[list[ShownGroup], list[Link]]:
    """The groups (with at least one link) and the utilities this user is shown on `path`."""
    groups = []
    for group in GROUPS:
        links = [link for entry in group.entries if (link := _link(entry, may, path))]
        if links:
            groups.append(ShownGroup(group.key, group.label, links))
    utilities = [link for entry in UTILITIES if (link := _link(entry, may, path))]
    return groups, utilities
