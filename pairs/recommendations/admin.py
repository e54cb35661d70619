from django.contrib import admin
from django.http import HttpRequest

from .models import Dismissal, PeerSuggestion, SuggestionBatch, WeightSet


@admin.register(WeightSet)
class WeightSetAdmin(admin.ModelAdmin[WeightSet]):
    list_display = ("version", "label", "is_active", "created_at", "created_by")
    readonly_fields = ("version", "weights", "created_by", "created_at", "is_active")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions are made on the weights page, which validates them


@admin.register(SuggestionBatch)
class SuggestionBatchAdmin(admin.ModelAdmin[SuggestionBatch]):
    list_display = (
        "started_at",
        "kind",
        "delegation",
        "weight_set",
        "member_count",
        "coverage",
        "gini",
        "status",
    )
    list_filter = ("kind", "status", "delegation")
    readonly_fields = [f.name for f in SuggestionBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PeerSuggestion)
class PeerSuggestionAdmin(admin.ModelAdmin[PeerSuggestion]):
    list_display = ("member", "rank", "suggested", "score")
    raw_id_fields = ("member", "suggested", "batch")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin[Dismissal]):
    list_display = ("member", "dismissed", "created_at")
    raw_id_fields = ("member", "dismissed")
