from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "sentra.programmes"
    verbose_name = _("Program dan anggaran")

    def ready(self) -> None:
        from .links import register

        register()  # an activity's locations and beneficiaries, in the history like fields (audit.links)

        from .imports import register_import_kinds

        register_import_kinds()  # realisation and beneficiary imports (core.import_kinds)

        from sentra.core.demo import DemoStep, register_demo_step

        # `sentra demo` (core.demo), after the registry's: a fiscal year of plans, budgets, realisation.
        register_demo_step(
            DemoStep(
                key="programmes",
                run="sentra.programmes.demo.demo_step",
                order=30,
                counts=("programmes", "activities", "budget documents", "budget lines", "realisations"),
            )
        )
