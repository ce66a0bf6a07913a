"""The facilitator's phone app (issue 16 point 4) at /lapangan/, in the `web` namespace: the app shell,
its caseload data, the web app manifest and icons, and the service worker (scope /lapangan/)."""

from django.urls import path

from .views import field

urlpatterns = [
    path("", field.field_app, name="field_app"),
    path("data.json", field.field_data, name="field_data"),
    path("manifest.webmanifest", field.manifest, name="field_manifest"),
    path("ikon-<int:size>.png", field.icon, name="field_icon"),
    path("sw.js", field.service_worker, name="field_sw"),
]
