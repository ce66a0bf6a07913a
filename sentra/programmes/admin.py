"""Admin pages for support staff (superusers). The year's control settings (BudgetPolicy: quarter
targets overall and per spending type, deviation rule, RPD revision deadlines, lag threshold) are
configured here; plans, budgets and realisation are edited through the web pages and the services, so
the admin shows them read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Activity, BudgetDocument, BudgetPolicy, DekonAllocation, Programme, Realisation


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "fiscal_year",
        "target_q1",
        "target_q2",
        "target_q3",
        "target_q4",
        "deviation_rule",
        "rpd_window_q1",
        "rpd_window_q2",
        "rpd_window_q3",
        "rpd_window_q4",
        "lag_threshold",
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes to money and plans must pass the services' rules and be audited: not here."""

    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "agency", "fiscal_year")
    list_filter = ("fiscal_year",)
    search_fields = ("code", "name")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "funding_source",
        "agency",
        "officer",
        "fiscal_year",
        "verification_status",
    )
    list_filter = ("fiscal_year", "kind", "funding_source", "verification_status")
    # officer_name too: support looks up the activities one named officer answers for.
    search_fields = ("code", "name", "officer_name")
    list_select_related = ("agency",)

    @admin.display(description=_("penanggung jawab"), ordering="officer_name", empty_value="—")
    def officer(self, obj: Activity) -> str | None:
        return obj.officer_name or None  # blank is "not named": shown as the dash, like None


@admin.register(BudgetDocument)
class BudgetDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "agency", "fiscal_year", "revision")
    list_filter = ("fiscal_year", "kind")
    search_fields = ("number",)
    list_select_related = ("agency",)


@admin.register(Realisation)
class RealisationAdmin(ReadOnlyAdmin):
    list_display = ("activity", "month", "amount", "physical_progress", "verification_status")
    list_filter = ("fiscal_year", "month", "verification_status")
    list_select_related = ("activity",)


@admin.register(DekonAllocation)
class DekonAllocationAdmin(ReadOnlyAdmin):
    list_display = ("fiscal_year", "total", "legal_basis")
