"""Programmes pages (part 3). Included into the `web` namespace by web/urls.py at /program/."""

from django.urls import path

from .views import programmes as v

urlpatterns = [
    # Programmes and activities
    path("", v.activity_list, name="activity_list"),
    path("ekspor/", v.activity_export, name="activity_export"),
    path("salin/", v.copy_plan, name="copy_plan"),
    path("penerima/", v.beneficiary_search, name="beneficiary_search"),
    path("program/baru/", v.programme_form, name="programme_create"),
    path("program/<int:pk>/ubah/", v.programme_form, name="programme_edit"),
    path("kegiatan/baru/", v.activity_form, name="activity_create"),
    path("kegiatan/<int:pk>/", v.activity_detail, name="activity_detail"),
    path("kegiatan/<int:pk>/ubah/", v.activity_form, name="activity_edit"),
    path("kegiatan/<int:pk>/keluaran/baru/", v.output_form, name="output_create"),
    path("kegiatan/<int:pk>/verifikasi/<str:name>/", v.activity_transition, name="activity_transition"),
    path("kegiatan/<int:pk>/riwayat/", v.activity_history, name="activity_history"),
    path("kegiatan/<int:pk>/riwayat/<int:event_id>/pulihkan/", v.activity_restore, name="activity_restore"),
    # Budget documents (DIPA)
    path("dipa/", v.budget_list, name="budget_list"),
    path("dipa/baru/", v.budget_create, name="budget_create"),
    path("dipa/<int:pk>/", v.budget_detail, name="budget_detail"),
    path("dipa/<int:pk>/pagu/", v.budget_line_form, name="budget_line"),
    path("dipa/<int:pk>/revisi/", v.budget_revise, name="budget_revise"),
    path("dipa/<int:pk>/versi/", v.budget_versions, name="budget_versions"),
    path("dipa/<int:pk>/riwayat/", v.budget_history, name="budget_history"),
    path("pagu/<int:pk>/rpd/", v.rpd_form, name="rpd_form"),
    path("pagu/<int:pk>/blokir/", v.budget_line_block, name="budget_line_block"),
    path("pagu/<int:pk>/riwayat/", v.budget_line_history, name="budget_line_history"),
    # Dekonsentrasi
    path("dekon/", v.dekon_allocation, name="dekon_allocation"),
    # The year's control policy (quarter targets, RPD revision window, lag threshold)
    path("kebijakan/", v.budget_policy, name="budget_policy"),
    path("kebijakan/<int:year>/riwayat/", v.budget_policy_history, name="budget_policy_history"),
]
