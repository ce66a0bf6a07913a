"""Admin pages for support staff. Everyday editing goes through the web pages and the services;
the admin still saves via the model, so size_class and the region columns are kept read-only here."""

from django.contrib import admin

from .models import Centre, CentreMembership, CentreVillage, Certification, Decree, Enterprise, Product


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "owner_name", "nib", "kbli", "village", "workers", "size_class", "status")
    list_filter = ("status", "size_class")
    search_fields = ("name", "owner_name", "=nib")
    raw_id_fields = ("village", "kbli", "agency")
    readonly_fields = ("province_code", "regency_code", "size_class", "created_at", "updated_at")
    list_select_related = ("kbli", "village")
    inlines = [CertificationInline]
    show_full_result_count = False
    list_per_page = 50


class CentreVillageInline(admin.TabularInline):
    model = CentreVillage
    extra = 0
    raw_id_fields = ("village",)


class CentreMembershipInline(admin.TabularInline):
    model = CentreMembership
    extra = 0
    raw_id_fields = ("enterprise",)


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ("name", "commodity", "kbli", "village", "status", "designated_on")
    list_filter = ("status", "has_gapura", "is_desa_wisata")
    search_fields = ("name", "commodity", "raw_material")
    raw_id_fields = ("village", "kbli", "agency", "decree")
    readonly_fields = ("province_code", "regency_code", "created_at", "updated_at")
    list_select_related = ("kbli", "village")
    inlines = [CentreVillageInline, CentreMembershipInline]
    show_full_result_count = False


@admin.register(Decree)
class DecreeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "number", "issued_on", "region", "signatory")
    list_filter = ("kind",)
    search_fields = ("number", "title", "signatory")
    raw_id_fields = ("region",)
    date_hierarchy = "issued_on"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "centre", "kbli", "market_reach", "price_min", "price_max")
    list_filter = ("market_reach",)
    search_fields = ("name", "description")
    raw_id_fields = ("enterprise", "centre", "kbli", "village", "agency")
    readonly_fields = ("province_code", "regency_code", "created_at", "updated_at")
    list_select_related = ("enterprise", "centre", "kbli")
    show_full_result_count = False


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "kind", "number", "issued_on")
    list_filter = ("kind",)
    search_fields = ("number", "enterprise__name")
    raw_id_fields = ("enterprise",)
