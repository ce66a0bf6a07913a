from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sentra.registry"
    label = "registry"

    def ready(self) -> None:
        from .links import register

        register()  # a centre's villages and members, in the history like fields (audit.links)

        from .imports import register_import_kinds

        register_import_kinds()  # IKM and sentra imports (core.import_kinds)

        from sentra.core.demo import DemoStep, register_demo_step

        # `sentra demo` (core.demo), after the reference data: real facts, generated IKM and sentra, logins.
        register_demo_step(
            DemoStep(
                key=self.label,
                run="sentra.registry.demo.demo_step",
                order=20,
                counts=("agencies", "decrees", "centres", "enterprises", "users"),
                describe="sentra.registry.demo.demo_describe",
            )
        )
