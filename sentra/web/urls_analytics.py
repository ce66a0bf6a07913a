"""Analysis pages of part 6 (issue 17), in the `web` namespace at /analisis/. Each piece keeps its block."""

from django.urls import path  # noqa: F401 - the blocks below add their paths

urlpatterns: list = []

# --- leading potential: location quotient, shift-share -----------------------------------------------
from .views import analytics_potential as potential  # noqa: E402

urlpatterns += [
    path("potensi/", potential.potential_page, name="analytics_potential"),
    path("potensi/ekspor/", potential.potential_export, name="analytics_potential_export"),
    path("potensi/peta.geojson", potential.potential_map, name="analytics_potential_map"),
]

# --- where a sentra fits ------------------------------------------------------------------------------

# --- overlapping activities and links -----------------------------------------------------------------

# --- training pathways ----------------------------------------------------------------------------------

# --- province and regency profile ---------------------------------------------------------------------
