"""Running a management command as a user: `--as USERNAME` gives the command that user's actor.

    def add_arguments(self, parser):
        add_actor_arguments(parser)

    def handle(self, *args, **options):
        actor = actor_from_options(options)  # CommandError for an unknown or inactive user

Commands then pass the actor to the same selectors and services the web and API use, so the command
line obeys the same roles and scope.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .scope import Actor, Channel, actor_for_user, system_actor


def add_actor_arguments(parser, *, required: bool = True, allow_system: bool = False) -> None:
    """Adds `--as USERNAME` (stored as options["as_user"]) and, for operators' commands, `--as-system`."""
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        required=required and not allow_system,
        help=_("Jalankan sebagai pengguna ini: peran dan wilayahnya menentukan hak perintah."),
    )
    if allow_system:
        parser.add_argument(
            "--as-system",
            action="store_true",
            help=_("Untuk operator: jalankan sebagai sistem (semua hak) alih-alih --as."),
        )


def actor_from_options(options: dict, channel: str = Channel.CLI) -> Actor:
    """The actor for `--as USERNAME` (or `--as-system`); CommandError when the user is missing,
    unknown, inactive or has no role."""
    username = (options.get("as_user") or "").strip()
    if options.get("as_system"):
        if username:
            raise CommandError(_("Pilih salah satu: --as USERNAME atau --as-system."))
        return system_actor(channel)
    if not username:
        hint = _(" (atau --as-system untuk operator)") if "as_system" in options else ""
        raise CommandError(_("Sebutkan pengguna dengan --as USERNAME") + hint + ".")
    user = get_user_model().objects.filter(username=username).select_related("profile").first()
    if user is None:
        raise CommandError(_("Pengguna %(name)s untuk --as tidak dikenal.") % {"name": username})
    if not user.is_active:
        raise CommandError(_("Pengguna %(name)s tidak aktif.") % {"name": username})
    actor = actor_for_user(user, channel=channel)
    if actor.role is None:
        raise CommandError(_("Pengguna %(name)s belum memiliki peran.") % {"name": username})
    return actor
