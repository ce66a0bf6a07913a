from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sentra.regions"
    label = "regions"
