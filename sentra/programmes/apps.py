from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "sentra.programmes"
    verbose_name = _("Program dan anggaran")

    def ready(self) -> None:
        from .links import register

        register()  # an activity's locations and beneficiaries, in the history like fields (audit.links)
