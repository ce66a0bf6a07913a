"""Reports pages (part 3). Included into the `web` namespace by web/urls.py."""

from django.urls import path

from .views import reports

urlpatterns: list = [
    path("", reports.report_index, name="reports"),
    path("dekonsentrasi/", reports.report_dekon, name="report_dekon"),
    path("rakor/", reports.report_rakor, name="report_rakor"),
]
