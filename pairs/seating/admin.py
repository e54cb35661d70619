from django.contrib import admin
from django.http import HttpRequest

from .models import SeatingPlan


@admin.register(SeatingPlan)
class SeatingPlanAdmin(admin.ModelAdmin[SeatingPlan]):
    list_display = (
        "rencontre",
        "version",
        "is_current",
        "repeats",
        "affinity_total",
        "affinity_bound",
        "created_at",
    )
    raw_id_fields = ("rencontre", "created_by")
    readonly_fields = [f.name for f in SeatingPlan._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # plans are computed on the rencontre's plan page
