from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ConsultantNote, Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("member", "consultant", "basis", "added_at", "added_by")
    list_filter = ("basis", "consultant__delegation")
    search_fields = ("member__email", "member__last_name", "consultant__user__email")
    raw_id_fields = ("member", "consultant", "added_by")
    list_select_related = ("member", "consultant__user", "added_by")


@admin.register(ConsultantNote)
class ConsultantNoteAdmin(admin.ModelAdmin):
    """Notes are private to their author: the admin shows that a note exists,
    never its text (not listed, not searchable, not on the detail page).
    Notes are written by their author on the member page only; here they can
    only be deleted (e.g. when erasing a member's data)."""

    list_display = ("member", "author", "created_at", "updated_at")
    list_filter = ("author__delegation",)
    search_fields = ("member__email", "member__last_name", "author__user__email")
    list_select_related = ("member", "author__user")
    fields = ("author", "member", "created_at", "updated_at")
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsultantNote]:
        return super().get_queryset(request).defer("text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
