from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    # satker_code is checked by the model (6 digits, unique when set): the admin form shows the error.
    list_display = ("name", "short_name", "kind", "region", "satker_code")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "satker_code", "region__code", "region__name")
    raw_id_fields = ("region",)
    list_select_related = ("region",)
