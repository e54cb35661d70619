"""The dashboard's tables in the admin: waves are edited here too; the statistics are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import DailyFact, ExperimentWave, FillState, MonthlyFact, MonthlyTopicFact, TopicFact


@admin.register(ExperimentWave)
class ExperimentWaveAdmin(admin.ModelAdmin[ExperimentWave]):
    list_display = ("name", "starts_on", "ends_on")
    filter_horizontal = ("delegations",)
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Written only by the fill job: shown for whoever wonders where a figure comes from."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FillState)
class FillStateAdmin(ReadOnlyAdmin):
    list_display = ("day", "source", "filled_at", "settled")
    list_filter = ("source", "settled")
    date_hierarchy = "day"


@admin.register(DailyFact)
class DailyFactAdmin(ReadOnlyAdmin):
    list_display = ("day", "delegation", "format", "situation", "phase", "metric", "value")
    list_filter = ("metric", "delegation")
    date_hierarchy = "day"
    list_select_related = ("delegation",)
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page


@admin.register(MonthlyFact)
class MonthlyFactAdmin(ReadOnlyAdmin):
    list_display = ("month", "delegation", "format", "situation", "phase", "metric", "value")
    list_filter = ("metric", "delegation")
    list_select_related = ("delegation",)
    show_full_result_count = False


@admin.register(TopicFact)
class TopicFactAdmin(ReadOnlyAdmin):
    list_display = ("day", "delegation", "format", "situation", "phase", "topic", "rencontres", "attended")
    list_select_related = ("delegation", "topic")
    show_full_result_count = False


@admin.register(MonthlyTopicFact)
class MonthlyTopicFactAdmin(ReadOnlyAdmin):
    list_display = ("month", "delegation", "format", "situation", "phase", "topic", "rencontres", "attended")
    list_select_related = ("delegation", "topic")
    show_full_result_count = False
