from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sentra.regions"
    label = "regions"

    def ready(self) -> None:
        from sentra.core.demo import DemoStep, register_demo_step

        # The first step of `sentra demo` (core.demo): the reference data the others place records in.
        register_demo_step(DemoStep(key=self.label, run="sentra.regions.demo.demo_step", order=10))
