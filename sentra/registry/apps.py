from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sentra.registry"
    label = "registry"

    def ready(self) -> None:
        from .links import register

        register()  # a centre's villages and members, in the history like fields (audit.links)
