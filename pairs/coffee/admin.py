from django.contrib import admin

from .models import CoffeeOptIn, CoffeePairing, CoffeeParticipant, CoffeeRound, CoffeeWaiting


@admin.register(CoffeeOptIn)
class CoffeeOptInAdmin(admin.ModelAdmin):
    list_display = ("member", "active", "frequency", "share_email", "joined_at", "left_at")
    list_filter = ("active", "frequency")
    raw_id_fields = ("member",)


class CoffeeParticipantInline(admin.TabularInline):
    model = CoffeeParticipant
    extra = 0
    raw_id_fields = ("member",)
    readonly_fields = ("reasons",)


@admin.register(CoffeeRound)
class CoffeeRoundAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "delegation",
        "period",
        "status",
        "member_count",
        "pair_count",
        "trio_count",
        "priority_count",
        "exact",
        "gap",
    )
    list_filter = ("status", "delegation", "exact")
    readonly_fields = ("triggered_by",)


@admin.register(CoffeePairing)
class CoffeePairingAdmin(admin.ModelAdmin):
    list_display = ("id", "round", "format", "departement", "slot", "score")
    list_filter = ("format",)
    raw_id_fields = ("round",)
    inlines = [CoffeeParticipantInline]


@admin.register(CoffeeWaiting)
class CoffeeWaitingAdmin(admin.ModelAdmin):
    list_display = ("member", "round", "served_in")
    raw_id_fields = ("member", "round", "served_in")


@admin.register(CoffeeParticipant)
class CoffeeParticipantAdmin(admin.ModelAdmin):
    list_display = ("member", "pairing", "outcome", "outcome_at", "share_email")
    list_filter = ("outcome",)
    raw_id_fields = ("member", "pairing")
