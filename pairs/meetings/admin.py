from django.contrib import admin
from django.db import models

from .models import CalendarFeed, Invitation, ParentEvent, Registration, Rencontre, Series


class RegistrationInline(admin.TabularInline[Registration, Rencontre]):
    model = Registration
    extra = 0
    raw_id_fields = ("member", "added_by")
    readonly_fields = ("position", "status", "requested_at", "registered_at", "promoted_at", "cancelled_at")
    can_delete = False  # seats change through the services (waitlist, notifications), not here


@admin.register(Rencontre)
class RencontreAdmin(admin.ModelAdmin[Rencontre]):
    list_display = (
        "title",
        "starts_at",
        "delegation",
        "format",
        "mode",
        "status",
        "registered_count",
        "capacity_max",
    )
    list_filter = ("status", "format", "mode", "visibility", "delegation")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    raw_id_fields = ("organiser", "place", "parent_event", "series")
    filter_horizontal = ("co_organisers", "topics", "target_domains")
    readonly_fields = ("uid", "sequence", "registered_count", "last_position", "status", "cancelled_at")
    inlines = [RegistrationInline]
    # Video links are https (the services refuse anything else).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ParentEvent)
class ParentEventAdmin(admin.ModelAdmin[ParentEvent]):
    list_display = ("title", "kind", "delegation", "starts_on")
    list_filter = ("kind", "delegation")


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin[Series]):
    list_display = ("title", "frequency", "created_at")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("rencontre", "member", "invited_by", "created_at", "response")
    list_filter = ("response",)
    raw_id_fields = ("rencontre", "member", "invited_by")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ("rencontre", "member", "status", "position", "attendance")
    list_filter = ("status", "attendance")
    raw_id_fields = ("rencontre", "member", "added_by")
    readonly_fields = ("status", "position")

    def has_add_permission(self, request: object) -> bool:
        return False  # registrations go through the services (capacity, waitlist)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin[CalendarFeed]):
    list_display = ("member", "created_at")
    raw_id_fields = ("member",)
