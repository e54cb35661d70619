from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .emails import outgoing_email_retry_due
from .models import OutgoingEmail, PeriodicTask


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin[OutgoingEmail]):
    list_display = ("subject", "to", "status", "attempts", "created_at", "sent_at", "next_attempt_at")
    list_filter = ("status",)
    search_fields = ("to", "subject", "key")
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # emails are written by the product, never by hand

    @admin.action(description=_("Réessayer l'envoi maintenant"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        now = timezone.now()
        count = queryset.filter(
            status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED]
        ).update(status=OutgoingEmail.Status.PENDING, next_attempt_at=now)
        outgoing_email_retry_due(now=now)
        self.message_user(
            request,
            ngettext(
                "%(count)d email remis en file d'envoi.", "%(count)d emails remis en file d'envoi.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(admin.ModelAdmin[PeriodicTask]):
    list_display = ("name", "next_run_at", "last_enqueued_at")
    readonly_fields = ("name", "last_enqueued_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows are made by the scheduler from the code's list
