"""Control pages (part 3). Included into the `web` namespace by web/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
