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
from .views import analytics_candidates as candidates  # noqa: E402

urlpatterns += [
    path("kandidat-sentra/", candidates.candidates_page, name="analytics_candidates"),
    path("kandidat-sentra/ekspor/", candidates.candidates_export, name="analytics_candidates_export"),
    path("kandidat-sentra/usulkan/", candidates.candidate_propose, name="analytics_candidate_propose"),
]

# --- overlapping activities and links -----------------------------------------------------------------
from .views import analytics_overlaps as overlaps  # noqa: E402

urlpatterns += [
    path("tumpang-tindih/", overlaps.overlap_report_page, name="analytics_overlaps"),
    path("tumpang-tindih/ekspor/", overlaps.overlap_report_export, name="analytics_overlaps_export"),
    path("tumpang-tindih/periksa/", overlaps.overlap_draft, name="analytics_overlap_draft"),
    path("tumpang-tindih/kegiatan/<int:pk>/tautan/", overlaps.activity_link, name="analytics_activity_link"),
    path(
        "tumpang-tindih/kegiatan/<int:pk>/tautan/<int:link_id>/hapus/",
        overlaps.activity_unlink,
        name="analytics_activity_unlink",
    ),
]

# --- training pathways ----------------------------------------------------------------------------------
from .views import analytics_pathways as pathways  # noqa: E402

urlpatterns += [
    path("jalur/ikm/<int:pk>/", pathways.enterprise_pathway, name="analytics_pathway_enterprise"),
    path("jalur/sentra/<int:pk>/", pathways.centre_pathway, name="analytics_pathway_centre"),
]

# --- province and regency profile ---------------------------------------------------------------------
from .views import analytics_profiles as profiles  # noqa: E402

urlpatterns += [
    path("profil/", profiles.profile_index, name="analytics_profile_index"),
    path("profil/<str:code>/", profiles.region_profile, name="analytics_profile"),
]
