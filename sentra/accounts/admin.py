from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Notification, Profile


def _superusers_only(request) -> bool:
    """Django admin bypasses the scope rule, so only superusers may enter it."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["agency"]
    raw_id_fields = ["region"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SentraUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "is_active", "is_superuser", "last_login"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    search_fields = ["user__username", "message"]
