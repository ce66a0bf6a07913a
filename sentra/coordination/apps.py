from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "sentra.coordination"
    verbose_name = _("Koordinasi: rapat, tindak lanjut dan kerja sama")

    def ready(self) -> None:
        from .links import register

        register()  # co-organisers and linked activities, in the history like fields (audit.links)

        from .imports import register_import_kinds

        register_import_kinds()  # attendance lists and follow-up status updates (core.import_kinds)

        from sentra.core.demo import DemoStep, register_demo_step

        # `sentra demo` (core.demo), after the programmes' step: the seed meetings, the Kutai Timur
        # MoU → PK chain and generated provincial meetings.
        register_demo_step(
            DemoStep(
                key=self.label,
                run="sentra.coordination.demo.demo_step",
                order=40,
                counts=("meetings", "follow-ups", "agreements"),
            )
        )
