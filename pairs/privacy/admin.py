"""Read-only admin pages: both tables are append-only histories.

Erasures and retention warnings are written only by ``services.member_erase``
and the retention job. Consents are recorded through ``services.consent_record`` (which copies the
text shown and checks who may grant), audit rows through
``services.profile_access_record``; nobody adds, edits or deletes history here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentRecord, ConsentWording, Erasure, ProfileAccess, RetentionNotice


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


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyHistoryAdmin):
    # The fingerprint is a keyed hash, useless to read: not listed.
    list_display = ("erased_at", "member", "erased_by")
    list_select_related = ("member", "erased_by")
    raw_id_fields = ("member", "erased_by")
    exclude = ("email_fingerprint",)
    date_hierarchy = "erased_at"


@admin.register(RetentionNotice)
class RetentionNoticeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("warned_at", "member", "cancelled_at")
    list_filter = (("cancelled_at", admin.EmptyFieldListFilter),)
    list_select_related = ("member",)
    raw_id_fields = ("member",)
    date_hierarchy = "warned_at"
