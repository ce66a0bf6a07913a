from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "sentra.agencies"
    label = "agencies"
