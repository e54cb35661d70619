from django.contrib import admin

from .models import Contact


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("member", "consultant", "basis", "added_at", "added_by")
    list_filter = ("basis", "consultant__delegation")
    search_fields = ("member__email", "member__last_name", "consultant__user__email")
    raw_id_fields = ("member", "consultant", "added_by")
    list_select_related = ("member", "consultant__user", "added_by")
