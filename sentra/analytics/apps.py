from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sentra.analytics"
    label = "analytics"
