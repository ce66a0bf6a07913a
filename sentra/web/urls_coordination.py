"""Coordination pages (part 4, issue 15). Included into the `web` namespace by web/urls.py at /koordinasi/."""

from django.urls import path

from .generic import record_urls
from .views import coordination as v
from .views import coordination_calendar as cal
from .views import coordination_dashboard as dash
from .views import coordination_documents as docs
from .views import coordination_programmes as prog
from .views import coordination_series as series

urlpatterns = [
    path("dasbor-tindak-lanjut/", dash.follow_up_dashboard, name="follow_up_dashboard"),
    path("dasbor-tindak-lanjut/ekspor/", dash.follow_up_dashboard_export, name="follow_up_dashboard_export"),
    # List, export, form, history and restore from web/generic.py; the detail page is the view's own.
    *record_urls("rapat", "meeting", detail=v.meeting_detail),
    path("rapat/<int:pk>/undangan/", v.meeting_invite, name="meeting_invite"),
    path("rapat/<int:pk>/peserta/", v.meeting_participant, name="meeting_participant"),
    path("rapat/<int:pk>/keputusan/", v.meeting_decision, name="meeting_decision"),
    path("rapat/<int:pk>/tindak-lanjut/", v.meeting_follow_up, name="meeting_follow_up"),
    path("rapat/<int:pk>/status/", v.meeting_advance, name="meeting_advance"),
    path("rapat/<int:pk>/bawa-tindak-lanjut/", v.meeting_carry_over, name="meeting_carry_over"),
    path("rapat/<int:pk>/acara/", v.meeting_agenda_add, name="meeting_agenda_add"),
    path("rapat/<int:pk>/kehadiran/", v.meeting_attendance, name="meeting_attendance"),
    path("rapat/<int:pk>/acara/<int:item_pk>/", v.meeting_agenda_edit, name="meeting_agenda_edit"),
    path("rapat/<int:pk>/kalender.ics", cal.meeting_ics, name="meeting_ics"),
    path("rapat/<int:pk>/dokumen/", docs.meeting_document_add, name="meeting_document_add"),
    path("rapat/<int:pk>/notulen.pdf", docs.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("rapat/<int:pk>/notulen.docx", docs.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("rapat/<int:pk>/daftar-hadir.pdf", docs.meeting_attendance_pdf, name="meeting_attendance_pdf"),
    path("kerja-sama/<int:pk>/dokumen/", docs.agreement_document_add, name="agreement_document_add"),
    path("dokumen/<int:pk>/", docs.document_file, name="document_file"),
    path("dokumen/<int:pk>/hapus/", docs.document_delete, name="document_delete"),
    *record_urls("tindak-lanjut", "follow_up", detail=v.follow_up_detail),
    *record_urls("kerja-sama", "agreement", detail=v.agreement_detail),
    # Meeting series and their host rotation (issue 15 §1), views/coordination_series.py.
    path("seri/", series.series_list, name="series_list"),
    path("seri/<int:pk>/", series.series_detail, name="series_detail"),
    # National programmes cascaded to the regions (issue 15 §6), views/coordination_programmes.py.
    path("program-nasional/", prog.programme_list, name="national_programme_list"),
    path("program-nasional/baru/", prog.programme_form, name="national_programme_create"),
    path("program-nasional/<int:pk>/", prog.programme_detail, name="national_programme_detail"),
    path("program-nasional/<int:pk>/ubah/", prog.programme_form, name="national_programme_edit"),
    path("program-nasional/<int:pk>/teruskan/", prog.programme_send, name="national_programme_send"),
    path("program-nasional/<int:pk>/ekspor/", prog.programme_export, name="national_programme_export"),
    path("program-nasional/<int:pk>/peta/", prog.programme_map, name="national_programme_map"),
    path("adopsi/<int:pk>/", prog.adoption_detail, name="adoption_detail"),
    path("rapat/<int:pk>/status-adopsi/", prog.meeting_adoption_agenda, name="meeting_adoption_agenda"),
    path("kalender/", cal.calendar_month, name="calendar_month"),
    path("kalender/daftar/", cal.calendar_list, name="calendar_list"),
    path("kalender/langganan/", cal.calendar_subscription, name="calendar_subscription"),
    path("kalender/langganan/baru/", cal.calendar_feed_create, name="calendar_feed_create"),
    path("kalender/langganan/cabut/", cal.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("kalender/<str:token>.ics", cal.calendar_feed, name="calendar_feed"),
]
