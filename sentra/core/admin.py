from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "progress", "total", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    readonly_fields = ("created_at", "finished_at")
    raw_id_fields = ("created_by",)
