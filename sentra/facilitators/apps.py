from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitatorsConfig(AppConfig):
    name = "sentra.facilitators"
    verbose_name = _("Pendamping lapangan (TPL-IKM)")
