from django.contrib import admin

from . import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "overseas")


@admin.register(models.Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "region")
    list_filter = ("region",)
    search_fields = ("code", "label")


@admin.register(models.RomeGrandDomaine)
class RomeGrandDomaineAdmin(admin.ModelAdmin):
    list_display = ("code", "label")


@admin.register(models.RomeDomaine)
class RomeDomaineAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "grand_domaine")
    list_filter = ("grand_domaine",)


@admin.register(models.RomeMetier)
class RomeMetierAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "domaine", "emploi_cadre")
    list_filter = ("emploi_cadre", "domaine__grand_domaine")
    search_fields = ("code", "label")


@admin.register(models.RomeMobility)
class RomeMobilityAdmin(admin.ModelAdmin):
    list_display = ("source", "target", "order")
    raw_id_fields = ("source", "target")
    search_fields = ("source__code", "target__code")


@admin.register(models.RomeAppellation)
class RomeAppellationAdmin(admin.ModelAdmin):
    list_display = ("label", "metier", "is_principal", "emploi_cadre")
    list_filter = ("is_principal", "emploi_cadre")
    search_fields = ("label", "metier__code")
    raw_id_fields = ("metier",)


@admin.register(models.NafSection)
class NafSectionAdmin(admin.ModelAdmin):
    list_display = ("code", "label")


@admin.register(models.NafDivision)
class NafDivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "section")
    list_filter = ("section",)


@admin.register(models.ReferenceDataVersion)
class ReferenceDataVersionAdmin(admin.ModelAdmin):
    list_display = ("source", "version", "row_count", "loaded_at")
