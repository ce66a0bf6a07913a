from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitatorsConfig(AppConfig):
    name = "sentra.facilitators"
    verbose_name = _("Pendamping lapangan (TPL-IKM)")

    def ready(self) -> None:
        from .imports import register_import_kinds

        register_import_kinds()  # `sentra import facilitators FILE`: people, contracts, placements

        from .imports_visits import register_import_kinds as register_visit_imports

        register_visit_imports()  # `sentra import visits FILE`: one row per field visit

        from .visits import register_audit_links

        register_audit_links()  # a visit's IKM and sentra in its history (audit.links)

        from sentra.core.demo import DemoStep, register_demo_step

        # `sentra demo` (core.demo), after coordination's step (it reads the Belu Rakor 2019): the NTT
        # signing, the PPU facilitator tpl.ppu and generated TPL-IKM (facilitators/demo.py).
        register_demo_step(
            DemoStep(
                key=self.label,
                run="sentra.facilitators.demo.demo_step",
                order=50,
                counts=("facilitators", "facilitator contracts", "visits", "visit photos", "monthly reports"),
                describe="sentra.facilitators.demo.demo_describe",
            )
        )
