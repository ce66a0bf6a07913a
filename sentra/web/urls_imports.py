"""Import pages (upload, dry run report, progress). Included into the `web` namespace by web/urls.py."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("", imports.import_upload_view, name="import_upload"),
    path("pekerjaan/<int:job_id>/", imports.import_job_view, name="import_job"),
    path("pekerjaan/<int:job_id>/impor/", imports.import_job_commit, name="import_job_commit"),
    path("pekerjaan/<int:job_id>/galat.csv", imports.import_job_errors, name="import_job_errors"),
    path("templat/<str:kind>.<str:fmt>", imports.import_template, name="import_template"),
    path("kelompok/<int:batch_id>/batalkan/", imports.import_batch_rollback, name="import_batch_rollback"),
]
