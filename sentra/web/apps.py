from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sentra.web"
    label = "web"
