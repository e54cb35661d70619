from django.contrib import admin

from .models import Consultant, Delegation, Place


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "in_experiment")
    list_editable = ("in_experiment",)
    list_filter = ("in_experiment",)
    filter_horizontal = ("regions",)
    search_fields = ("name", "code")


@admin.register(Consultant)
class ConsultantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "delegation", "title")
    list_filter = ("delegation",)
    search_fields = ("user__email", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city", "delegation", "capacity")
    list_filter = ("kind", "delegation")
    search_fields = ("name", "city", "postcode")
    raw_id_fields = ("departement",)
