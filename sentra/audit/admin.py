from django.contrib import admin

from .models import AuditBatch, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """History is evidence: readable here, never edited."""

    list_display = ["at", "username", "channel", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["username", "object_repr", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditBatch)
class AuditBatchAdmin(AuditEventAdmin):
    list_display = ["created_at", "username", "channel", "kind", "description", "rolled_back_at"]
    list_filter = ["kind", "channel"]
    search_fields = ["username", "description"]
