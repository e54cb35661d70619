"""Admin pages of the public side. Sign-ups are written by the services only (double opt-in,
consent text), so the admin reads them; accessibility reports can be marked as handled."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessibilityReport, Signup, SubmissionThrottle


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Signup)
class SignupAdmin(ReadOnlyAdmin):
    list_display = (
        "email",
        "last_name",
        "first_name",
        "profile",
        "departement",
        "created_at",
        "confirmed_at",
    )
    list_filter = ("profile", "wants_news", "wants_invitation", "wants_to_contribute", "confirmed_at")
    search_fields = ("email", "last_name")
    list_select_related = ("departement",)
    raw_id_fields = ("invited_member", "invited_by")
    exclude = ("nonce",)  # signed into live links: nobody needs to read it
    date_hierarchy = "created_at"


@admin.register(AccessibilityReport)
class AccessibilityReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page_url", "email", "handled_at")
    list_filter = ("handled_at",)
    search_fields = ("page_url", "description", "email")
    readonly_fields = ("page_url", "description", "name", "email", "created_at")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SubmissionThrottle)
class SubmissionThrottleAdmin(ReadOnlyAdmin):
    list_display = ("scope", "at")
    list_filter = ("scope",)
