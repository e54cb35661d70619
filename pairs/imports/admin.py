from django.contrib import admin
from django.http import HttpRequest

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    """Imports are made and resumed on the import pages; here they are only read (and deleted)."""

    list_display = (
        "file_name",
        "consultant",
        "status",
        "total",
        "created",
        "updated",
        "invalid",
        "created_at",
    )
    list_filter = ("status", "file_format")
    exclude = ("file_content", "error_file")  # people's data: read in the product, not here
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name not in ("file_content", "error_file")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
