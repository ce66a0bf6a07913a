from django.contrib import admin

from .models import Kbli, Region


class ReadOnlyReferenceAdmin(admin.ModelAdmin):
    """Reference data comes from `sentra load-reference`; the admin only looks it up."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyReferenceAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("=code", "code", "name")
    list_select_related = ("parent",)
    show_full_result_count = False
    raw_id_fields = ("parent",)


@admin.register(Kbli)
class KbliAdmin(ReadOnlyReferenceAdmin):
    list_display = ("code", "title", "level")
    list_filter = ("level",)
    search_fields = ("=code", "code", "title")
    raw_id_fields = ("parent",)
