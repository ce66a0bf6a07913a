"""`sentra create-user USERNAME --role ROLE [--agency ID] [--region CODE] [--superuser] [--manages-users]`.

The password comes from `--password-stdin` (one line) or is asked twice at the prompt. Without `--as`
the command runs as the platform itself (whoever has a shell on the server already has the database);
with `--as ADMIN` it obeys that administrator's limits like the web page does.

The first administrator: `sentra create-user admin --role ministry_admin --superuser`.
"""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from sentra.accounts.cli import actor_from_options, add_actor_arguments
from sentra.accounts.models import Role
from sentra.accounts.scope import Channel, system_actor
from sentra.accounts.services import user_create
from sentra.agencies.models import Agency
from sentra.core.errors import AccessDenied, DomainError
from sentra.regions.codes import normalise_code


class Command(BaseCommand):
    help = "Buat pengguna dengan peran, instansi dan wilayah kerjanya (mis. administrator pertama)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", type=int, help="ID instansi; wilayah kerja mengikuti instansi.")
        parser.add_argument("--region", default=None, help="Kode wilayah kerja (bawaan: wilayah instansi).")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="Juga superuser (akses admin Django).")
        parser.add_argument("--manages-users", action="store_true", help="Boleh mengelola pengguna.")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Baca kata sandi dari stdin (satu baris)."
        )
        add_actor_arguments(parser, required=False)

    def handle(self, *args, username: str, role: str, agency, region, email, superuser, **options) -> None:
        if options.get("as_user"):
            actor = actor_from_options(options)
            if superuser and not actor.is_superuser:
                raise CommandError(_("Hanya superuser yang dapat membuat superuser."))
        else:
            actor = system_actor(Channel.CLI, username="cli")
        owner = None
        if agency is not None:
            owner = Agency.objects.filter(pk=agency).first()
            if owner is None:
                raise CommandError(_("Instansi dengan ID %(id)s tidak ada.") % {"id": agency})
        region_code = None
        if region:
            region_code = normalise_code(region)
            if region_code is None:
                raise CommandError(_("%(code)s bukan kode wilayah.") % {"code": region})
        password = self._password(options["password_stdin"])
        try:
            with transaction.atomic():
                user = user_create(
                    actor=actor,
                    username=username,
                    password=password,
                    role=role,
                    agency=owner,
                    region_code=region_code,
                    email=email,
                    manages_users=options["manages_users"] or superuser,
                )
                if superuser:
                    user.is_superuser = user.is_staff = True
                    user.save(update_fields=["is_superuser", "is_staff"])
        except DomainError as error:
            details = "; ".join(e.message for e in error.errors if e.message != error.message)
            raise CommandError(f"{error.message} {details}".strip()) from error
        except AccessDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Pengguna %(name)s dibuat (%(role)s).") % {"name": user.username, "role": role})

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("Tidak ada kata sandi di stdin."))
            return password
        if not sys.stdin.isatty():
            raise CommandError(_("Berikan kata sandi dengan --password-stdin, atau jalankan di terminal."))
        password = getpass.getpass(_("Kata sandi: "))
        if password != getpass.getpass(_("Ulangi kata sandi: ")):
            raise CommandError(_("Kedua kata sandi tidak sama."))
        return password
