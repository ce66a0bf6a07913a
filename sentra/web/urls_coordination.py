"""Coordination pages (part 4, issue 15). Included into the `web` namespace by web/urls.py at /koordinasi/."""

from django.urls import path

from .views import coordination as v

urlpatterns = [
    path("rapat/", v.meeting_list, name="meeting_list"),
    path("rapat/ekspor/", v.meeting_export, name="meeting_export"),
    path("rapat/baru/", v.meeting_form, name="meeting_create"),
    path("rapat/<int:pk>/", v.meeting_detail, name="meeting_detail"),
    path("rapat/<int:pk>/ubah/", v.meeting_form, name="meeting_edit"),
    path("rapat/<int:pk>/undangan/", v.meeting_invite, name="meeting_invite"),
    path("rapat/<int:pk>/peserta/", v.meeting_participant, name="meeting_participant"),
    path("rapat/<int:pk>/keputusan/", v.meeting_decision, name="meeting_decision"),
    path("rapat/<int:pk>/tindak-lanjut/", v.meeting_follow_up, name="meeting_follow_up"),
    path("rapat/<int:pk>/status/", v.meeting_advance, name="meeting_advance"),
    path("rapat/<int:pk>/bawa-tindak-lanjut/", v.meeting_carry_over, name="meeting_carry_over"),
    path("tindak-lanjut/", v.follow_up_list, name="follow_up_list"),
    path("tindak-lanjut/ekspor/", v.follow_up_export, name="follow_up_export"),
    path("tindak-lanjut/<int:pk>/", v.follow_up_detail, name="follow_up_detail"),
    path("kerja-sama/", v.agreement_list, name="agreement_list"),
    path("kerja-sama/ekspor/", v.agreement_export, name="agreement_export"),
    path("kerja-sama/baru/", v.agreement_form, name="agreement_create"),
    path("kerja-sama/<int:pk>/", v.agreement_detail, name="agreement_detail"),
    path("kerja-sama/<int:pk>/ubah/", v.agreement_form, name="agreement_edit"),
]
