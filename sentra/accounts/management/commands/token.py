"""`sentra token create USERNAME NAME` (prints the key once) and `sentra token revoke ID`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sentra.accounts.services import token_create, token_revoke_by_id
from sentra.core.errors import DomainError


class Command(BaseCommand):
    help = "Buat atau cabut token API pengguna."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Buat token; kuncinya dicetak sekali.")
        create.add_argument("username")
        create.add_argument("name")
        revoke = sub.add_parser("revoke", help="Cabut token menurut ID-nya.")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(_("Pengguna %(name)s tidak dikenal.") % {"name": options["username"]})
            if not user.is_active:
                raise CommandError(_("Pengguna %(name)s tidak aktif.") % {"name": user.username})
            token, key = token_create(user=user, name=options["name"])
            self.stderr.write(
                _(
                    "Token %(id)d “%(name)s” untuk %(user)s dibuat. "
                    "Simpan kunci ini; tidak akan ditampilkan lagi:"
                )
                % {"id": token.pk, "name": token.name, "user": user.username}
            )
            self.stdout.write(key)
            return
        try:
            token = token_revoke_by_id(token_id=options["id"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(_("Token %(id)d “%(name)s” dicabut.") % {"id": token.pk, "name": token.name})
