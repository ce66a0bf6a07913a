from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sentra.core"
    label = "core"
