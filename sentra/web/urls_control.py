"""Control pages (part 3). Included into the `web` namespace by web/urls.py."""

from django.urls import path

from .views import control

urlpatterns: list = [
    path("", control.control_dashboard, name="control_dashboard"),
    path("peringatan/", control.control_warnings, name="control_warnings"),
    path("peta/provinsi.geojson", control.control_map_provinces, name="control_map_provinces"),
    path("realisasi/", control.realisation_list, name="realisation_list"),
    path("realisasi/baru/", control.realisation_form, name="realisation_create"),
    path("realisasi/<int:pk>/", control.realisation_detail, name="realisation_detail"),
    path("realisasi/<int:pk>/ubah/", control.realisation_form, name="realisation_edit"),
    path("realisasi/<int:pk>/riwayat/", control.realisation_history, name="realisation_history"),
    path(
        "realisasi/<int:pk>/verifikasi/<str:name>/",
        control.realisation_transition,
        name="realisation_transition",
    ),
]
