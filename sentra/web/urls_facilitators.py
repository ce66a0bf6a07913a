"""Field facilitator (TPL-IKM) pages (part 5, issue 16), in the `web` namespace at /pendamping/.

Each part of the work keeps its own block below; the phone app (offline) is web/urls_field.py at /lapangan/.
"""

from django.urls import path  # noqa: F401 - the blocks below add their paths

urlpatterns: list = []

# --- facilitators, contracts, placements, caseload, visits, proposals (records) -------------------
from .generic import record_urls  # noqa: E402
from .views import facilitators as records  # noqa: E402

# List, export, form, history and restore from web/generic.py; the detail pages are the views' own.
urlpatterns += [
    *record_urls("tpl", "facilitator", detail=records.facilitator_detail),
    path("tpl/<int:pk>/kontak/", records.facilitator_contact, name="facilitator_contact"),
    path("tpl/<int:pk>/penempatan/", records.facilitator_placement, name="facilitator_placement"),
    path("tpl/<int:pk>/binaan/", records.facilitator_assignment, name="facilitator_assignment"),
    path("penempatan/<int:pk>/akhiri/", records.placement_end, name="facilitator_placement_end"),
    path("binaan/<int:pk>/akhiri/", records.assignment_end, name="facilitator_assignment_end"),
    *record_urls("kontrak", "facilitator_contract", detail=records.contract_detail),
    path("kontrak/<int:pk>/perpanjang/", records.contract_renew, name="facilitator_contract_renew"),
    *record_urls("kunjungan", "visit", detail=records.visit_detail),
    path("kunjungan/foto/<int:pk>/", records.visit_photo, name="visit_photo"),
]

# Enterprise updates proposed in the field (views/facilitator_proposals.py).
from .views import facilitator_proposals as proposals  # noqa: E402

urlpatterns += [
    path("usulan/", proposals.proposal_list, name="facilitator_proposal_list"),
    path("usulan/<int:pk>/", proposals.proposal_detail, name="facilitator_proposal_detail"),
    path("usulan/<int:pk>/terapkan/", proposals.proposal_apply, name="facilitator_proposal_apply"),
    path("usulan/<int:pk>/putuskan/", proposals.proposal_resolve, name="facilitator_proposal_resolve"),
    path("usulan/<int:pk>/kembalikan/", proposals.proposal_reject, name="facilitator_proposal_reject"),
]

# --- monthly reports --------------------------------------------------------------------------------
from .views import facilitator_reports as monthly  # noqa: E402

urlpatterns += [
    path("laporan/", monthly.report_list, name="monthly_report_list"),
    path("laporan/buat/", monthly.report_generate, name="monthly_report_generate"),
    path("laporan/terlambat/", monthly.late_list, name="monthly_report_late"),
    path("laporan/<int:pk>/", monthly.report_detail, name="monthly_report_detail"),
    path("laporan/<int:pk>/hitung-ulang/", monthly.report_refresh, name="monthly_report_refresh"),
    path("laporan/<int:pk>/teks/", monthly.report_text, name="monthly_report_text"),
    path("laporan/<int:pk>/ajukan/", monthly.report_submit, name="monthly_report_submit"),
    path("laporan/<int:pk>/setujui/", monthly.report_verify, name="monthly_report_verify"),
    path("laporan/<int:pk>/kembalikan/", monthly.report_return, name="monthly_report_return"),
    path("laporan/<int:pk>/pdf/", monthly.report_pdf, name="monthly_report_pdf"),
    path("laporan/<int:pk>/xlsx/", monthly.report_xlsx, name="monthly_report_xlsx"),
]

# --- coverage and performance -----------------------------------------------------------------------
from .views import facilitator_coverage as coverage  # noqa: E402

urlpatterns += [
    path("cakupan/", coverage.coverage_page, name="facilitator_coverage"),
    path("cakupan/ekspor/", coverage.coverage_export, name="facilitator_coverage_export"),
    path("cakupan/peta.geojson", coverage.coverage_map, name="facilitator_coverage_map"),
]
