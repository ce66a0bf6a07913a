"""Admin pages for support staff (superusers), read-only like coordination's: facilitators, contracts,
placements, caseload, visits, proposals and reports are changed through the web pages, the API and
the imports, whose services check the rules and record the history. The NIK is never shown here: it
is read through facilitators.selectors.identity_number_for, which logs every reading (UU 27/2022 PDP)."""

from django.contrib import admin

from .models import (
    Assignment,
    Contract,
    ContractNotice,
    EnterpriseProposal,
    Facilitator,
    MonthlyReport,
    Placement,
    Visit,
    VisitAction,
    VisitCentre,
    VisitEnterprise,
    VisitPhoto,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlacementInline(ReadOnlyInline):
    model = Placement
    fields = ("region", "host_agency", "supervisor", "starts_on", "ends_on")
    raw_id_fields = ("region", "host_agency", "supervisor")


class ContractInline(ReadOnlyInline):
    model = Contract
    fields = ("number", "contract_year", "period_start", "period_end", "honorarium", "previous")
    raw_id_fields = ("previous",)


@admin.register(Facilitator)
class FacilitatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "cohort", "polytechnic", "regency_code", "agency", "status", "user")
    list_filter = ("status", "cohort", "polytechnic", "education", "sex")
    search_fields = ("name", "regency_code", "email", "user__username")
    raw_id_fields = ("user", "home_region", "agency")
    exclude = ("identity_number",)
    inlines = (PlacementInline, ContractInline)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "facilitator",
        "contract_year",
        "period_start",
        "period_end",
        "party",
        "regency_code",
    )
    list_filter = ("party", "contract_year", "period_end")
    search_fields = ("number", "facilitator__name", "regency_code")
    raw_id_fields = ("facilitator", "party_agency", "signed_at_meeting", "budget_line", "previous")
    date_hierarchy = "period_end"


@admin.register(ContractNotice)
class ContractNoticeAdmin(ReadOnlyAdmin):
    list_display = ("contract", "days_before", "sent_at", "recipients")
    list_filter = ("days_before",)
    search_fields = ("contract__number",)
    raw_id_fields = ("contract",)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("facilitator", "region", "host_agency", "supervisor", "starts_on", "ends_on")
    list_filter = ("starts_on", "ends_on")
    search_fields = ("facilitator__name", "region__name", "regency_code")
    raw_id_fields = ("facilitator", "region", "host_agency", "supervisor")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("facilitator", "centre", "enterprise", "starts_on", "ends_on", "last_visit_on")
    list_filter = ("ends_on", "starts_on")
    search_fields = ("facilitator__name", "centre__name", "enterprise__name", "regency_code")
    raw_id_fields = ("facilitator", "centre", "enterprise")


class VisitActionInline(ReadOnlyInline):
    model = VisitAction
    fields = ("description", "due_on", "done_on")


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ("client_id", "image", "taken_at", "width", "height", "size_bytes")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("facilitator", "visited_at", "kind", "village", "location_flag", "regency_code")
    list_filter = ("kind", "location_flag")
    search_fields = ("facilitator__name", "client_id", "regency_code")
    raw_id_fields = ("facilitator", "village", "recorded_by")
    date_hierarchy = "visited_at"
    inlines = (VisitActionInline, VisitPhotoInline)


@admin.register(VisitCentre)
class VisitCentreAdmin(ReadOnlyAdmin):
    list_display = ("visit", "centre")
    raw_id_fields = ("visit", "centre")


@admin.register(VisitEnterprise)
class VisitEnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("visit", "enterprise", "visited_on")
    raw_id_fields = ("visit", "enterprise")


@admin.register(VisitPhoto)
class VisitPhotoAdmin(ReadOnlyAdmin):
    list_display = ("visit", "client_id", "taken_at", "width", "height", "size_bytes")
    search_fields = ("client_id",)
    raw_id_fields = ("visit",)


@admin.register(EnterpriseProposal)
class EnterpriseProposalAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "facilitator", "outcome", "verification_status", "created_at")
    list_filter = ("outcome", "verification_status")
    search_fields = ("enterprise__name", "facilitator__name", "client_id")
    raw_id_fields = ("facilitator", "visit", "enterprise", "decided_by")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("facilitator", "month", "due_on", "verification_status", "regency_code")
    list_filter = ("verification_status", "month")
    search_fields = ("facilitator__name", "regency_code")
    raw_id_fields = ("facilitator",)


@admin.register(VisitAction)
class VisitActionAdmin(ReadOnlyAdmin):
    list_display = ("visit", "description", "due_on", "done_on")
    list_filter = ("due_on", "done_on")
    search_fields = ("description",)
    raw_id_fields = ("visit",)
