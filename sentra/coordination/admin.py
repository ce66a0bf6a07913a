"""Admin pages for support staff (superusers), read-only: meetings, follow-ups, agreements, documents
and national programmes are changed through the web pages and the API, whose services check the rules
and record the history. Calendar addresses show who has one and when it was cut, never the token."""

from django.contrib import admin

from .models import (
    Adoption,
    Agreement,
    AgreementParty,
    CalendarFeed,
    Decision,
    Digest,
    Document,
    FollowUp,
    Meeting,
    MeetingSeries,
    NationalProgramme,
    Participant,
    Reminder,
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


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("number", "text")


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ("name", "position", "agency", "organisation", "attendance", "walk_in")
    readonly_fields = ("walk_in",)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "organiser")
    search_fields = ("name",)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "agency", "host_region", "starts_at", "status")
    list_filter = ("kind", "status", "fiscal_year")
    search_fields = ("title", "venue")
    list_select_related = ("agency", "host_region")
    inlines = (DecisionInline, ParticipantInline)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("description", "agency", "due_on", "status")
    list_filter = ("status",)
    search_fields = ("description", "owner_person")
    list_select_related = ("agency",)


class PartyInline(ReadOnlyInline):
    model = AgreementParty
    fields = ("kind", "name", "agency", "document_number", "signatory", "signatory_position")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "agency", "valid_from", "valid_until", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "parties__document_number")
    list_select_related = ("agency",)
    inlines = (PartyInline,)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "kind", "meeting", "agreement", "content_type", "size", "created_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "title", "sha256")
    list_select_related = ("meeting", "agreement")
    exclude = ("file",)  # served only through the scoped views, never by an admin link


class AdoptionInline(ReadOnlyInline):
    model = Adoption
    fields = ("agency", "status", "decided_on", "funding")


@admin.register(NationalProgramme)
class NationalProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("title", "agency", "fiscal_year", "level", "sent_on")
    list_filter = ("level", "fiscal_year")
    search_fields = ("title",)
    list_select_related = ("agency",)
    inlines = (AdoptionInline,)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username",)
    exclude = ("token",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("kind", "follow_up", "agreement", "sent_at")
    list_filter = ("kind",)


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("agency", "week_of", "sent_at", "recipients", "open_count", "overdue_count")
    list_select_related = ("agency",)
