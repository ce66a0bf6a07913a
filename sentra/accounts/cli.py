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

from .scope import Actor, Channel, actor_for_user


def add_actor_arguments(parser, *, required: bool = True) -> None:
    """Adds `--as USERNAME` (stored as options["as_user"])."""
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        required=required,
        help=_("Jalankan sebagai pengguna ini: peran dan wilayahnya menentukan hak perintah."),
    )


def actor_from_options(options: dict, channel: str = Channel.CLI) -> Actor:
    """The actor for `--as USERNAME`; CommandError when the user is missing, unknown or inactive."""
    username = (options.get("as_user") or "").strip()
    if not username:
        raise CommandError(_("Sebutkan pengguna dengan --as USERNAME."))
    user = get_user_model().objects.filter(username=username).select_related("profile").first()
    if user is None:
        raise CommandError(_("Pengguna %(name)s untuk --as tidak dikenal.") % {"name": username})
    if not user.is_active:
        raise CommandError(_("Pengguna %(name)s tidak aktif.") % {"name": username})
    actor = actor_for_user(user, channel=channel)
    if actor.role is None:
        raise CommandError(_("Pengguna %(name)s belum memiliki peran.") % {"name": username})
    return actor
