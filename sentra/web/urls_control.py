"""Control pages (part 3). Included into the `web` namespace by web/urls.py."""

from django.urls import path

from .views import control

urlpatterns: list = [
    path("", control.control_dashboard, name="control_dashboard"),
]
