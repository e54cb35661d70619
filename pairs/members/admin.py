from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import MAX_TARGET_JOBS, Member, Topic, phone_normalise
from .services import TARGET_JOBS_MESSAGE, availability_clean

# LinkedIn addresses must be https: a scheme-less entry gets https (Django 6's default), not http.
URL_FORMFIELD_OPTIONS = {"assume_scheme": "https"}


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs = {**URL_FORMFIELD_OPTIONS, **kwargs}
    return db_field.formfield(**kwargs)


class MemberAdminForm(forms.ModelForm):
    """The admin writes rows directly: apply the service's normalisation and limits here too."""

    class Meta:
        model = Member
        fields = "__all__"  # noqa: DJ007 - the admin shows every field
        formfield_callback = _formfield

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean_availability(self) -> list[str]:
        return availability_clean(availability=self.cleaned_data.get("availability") or [])

    def clean_target_jobs(self):
        jobs = self.cleaned_data.get("target_jobs")
        if jobs is not None and len(jobs) > MAX_TARGET_JOBS:
            raise ValidationError(
                TARGET_JOBS_MESSAGE,
                code="too_many_target_jobs",
                params={"limit": MAX_TARGET_JOBS, "count": len(jobs)},
            )
        return jobs


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    formfield_overrides = {models.URLField: URL_FORMFIELD_OPTIONS}
    list_display = ("last_name", "first_name", "email", "situation", "phase", "delegation")
    list_filter = ("situation", "phase", "delegation")
    search_fields = ("email", "first_name", "last_name")
    raw_id_fields = ("user", "departement", "current_job", "sector", "target_jobs", "target_sector")
    filter_horizontal = ("topics_sought", "topics_offered")
    list_select_related = ("delegation",)
    show_full_result_count = False  # counting 100,000 rows on every page is wasted work
    fieldsets = (
        (None, {"fields": ("user", "first_name", "last_name", "email", "phone", "linkedin_url")}),
        (
            _("Situation"),
            {
                "fields": (
                    "situation",
                    "phase",
                    "departement",
                    "delegation",
                    "current_job",
                    "sector",
                    "experience_band",
                )
            },
        ),
        (
            _("Ce que le membre cherche et propose"),
            {
                "fields": (
                    "target_jobs",
                    "target_sector",
                    "topics_sought",
                    "topics_offered",
                    "seeking_text",
                    "offering_text",
                )
            },
        ),
        (_("Rencontres"), {"fields": ("prefers_in_person", "prefers_video", "availability")}),
    )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("label", "slug", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("label", "slug")
    prepopulated_fields = {"slug": ("label",)}
    ordering = ("position", "label")

    def get_readonly_fields(self, request, obj=None):
        # The slug is the key members' rows and the demo data refer to: fixed once created.
        return ("slug",) if obj is not None else ()

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}
