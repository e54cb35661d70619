"""Read-only admin pages: both tables are append-only histories.

Consents are recorded through ``services.consent_record`` (which copies the
text shown and checks who may grant), audit rows through
``services.profile_access_record``; nobody adds, edits or deletes history here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentRecord, ConsentWording, ProfileAccess


class ReadOnlyHistoryAdmin(admin.ModelAdmin):
    show_full_result_count = False  # counting every row on each page is wasted work

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ("member", "kind", "granted", "recorded_at", "recorded_by", "source", "wording")
    list_filter = ("kind", "granted", "source", "wording__version")
    search_fields = ("member__email", "member__last_name")
    list_select_related = ("member", "recorded_by", "wording")
    raw_id_fields = ("member", "recorded_by")
    date_hierarchy = "recorded_at"


@admin.register(ProfileAccess)
class ProfileAccessAdmin(ReadOnlyHistoryAdmin):
    list_display = ("at", "actor", "action", "member", "detail")
    list_filter = ("action",)
    search_fields = ("member__email", "member__last_name", "actor__email")
    list_select_related = ("member", "actor")
    raw_id_fields = ("member", "actor")
    date_hierarchy = "at"


@admin.register(ConsentWording)
class ConsentWordingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("kind", "version", "text")
    list_filter = ("kind",)
