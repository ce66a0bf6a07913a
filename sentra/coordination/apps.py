from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "sentra.coordination"
    verbose_name = _("Koordinasi: rapat, tindak lanjut dan kerja sama")

    def ready(self) -> None:
        from .links import register

        register()  # co-organisers and linked activities, in the history like fields (audit.links)
