from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Connection, ContactWish, Feedback, OutcomeSurvey, SharedDetails


class _ThroughServicesOnly:
    """Rows written by the services (one answer per person, mutual wishes only): no additions here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(_ThroughServicesOnly, admin.ModelAdmin[Feedback]):
    list_display = ("registration", "satisfaction", "usefulness", "nps", "submitted_at")
    raw_id_fields = ("registration",)
    date_hierarchy = "submitted_at"


@admin.register(ContactWish)
class ContactWishAdmin(_ThroughServicesOnly, admin.ModelAdmin[ContactWish]):
    list_display = ("rencontre", "from_member", "to_member", "created_at")
    raw_id_fields = ("rencontre", "from_member", "to_member")


@admin.register(Connection)
class ConnectionAdmin(_ThroughServicesOnly, admin.ModelAdmin[Connection]):
    list_display = ("member_a", "member_b", "rencontre", "created_at")
    raw_id_fields = ("member_a", "member_b", "rencontre")


@admin.register(SharedDetails)
class SharedDetailsAdmin(admin.ModelAdmin[SharedDetails]):
    list_display = ("member", "email", "phone", "linkedin")
    raw_id_fields = ("member",)


@admin.register(OutcomeSurvey)
class OutcomeSurveyAdmin(admin.ModelAdmin[OutcomeSurvey]):
    list_display = ("member", "wave", "due_at", "sent_at", "answered_at", "result", "change_confirmed_at")
    list_filter = ("wave", "result")
    raw_id_fields = ("member", "first_rencontre")
