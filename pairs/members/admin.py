from django.contrib import admin

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "situation", "phase", "delegation")
    list_filter = ("situation", "phase", "delegation")
    search_fields = ("email", "first_name", "last_name")
    raw_id_fields = ("user", "departement", "current_job", "sector")
    list_select_related = ("delegation",)
    show_full_result_count = False  # counting 100,000 rows on every page is wasted work
