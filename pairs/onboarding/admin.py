"""Activation invitations, read-only: they are created by ``services.activation_invite`` only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ActivationInvitation


@admin.register(ActivationInvitation)
class ActivationInvitationAdmin(admin.ModelAdmin):
    list_display = ("member", "invited_by", "created_at", "used_at", "superseded_at")
    list_filter = ("used_at", "superseded_at")
    search_fields = ("member__email", "member__last_name")
    list_select_related = ("member", "invited_by")
    raw_id_fields = ("member", "invited_by")
    exclude = ("nonce",)  # the secret part of a live link: nobody needs to read it
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
