"""Import pages (upload, dry run report, progress). Included into the `web` namespace by web/urls.py."""

urlpatterns: list = []
