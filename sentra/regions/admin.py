from django.contrib import admin

from .models import Kbli, LocalityAlias, Region


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


@admin.register(LocalityAlias)
class LocalityAliasAdmin(ReadOnlyReferenceAdmin):
    """Loaded from sentra/regions/data/localities.csv, where every entry carries its source."""

    list_display = ("name", "kind", "village", "source")
    list_filter = ("kind",)
    search_fields = ("name", "village__name", "=village__code")
    list_select_related = ("village",)
    raw_id_fields = ("village",)
