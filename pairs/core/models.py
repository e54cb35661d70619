"""The outbox: every email the platform sends, stored before it is sent.

Storing first is what makes sending reliable: the row is written in the same
transaction as the action that caused it (a registration, a cancellation), a
worker delivers it, a failed delivery is retried with backoff, and an
idempotency key makes "send this reminder" a no-op the second time, whichever
worker, restart or retry asks.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec définitif")

    # e.g. "reminder:1234:2d:3" — unique, so the same message is never queued twice.
    key = models.CharField(_("clé d'unicité"), max_length=200, unique=True, null=True, blank=True)
    to = models.TextField(_("destinataires"), help_text=_("Adresses séparées par des virgules."))
    from_email = models.CharField(_("expéditeur"), max_length=254, blank=True)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}] — text attachments (.ics, .csv).
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("email sortant")
        verbose_name_plural = _("emails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outgoing_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class PeriodicTask(models.Model):
    """When each periodic task is next due; shared by every scheduler process.

    A scheduler enqueues a task only after moving ``next_run_at`` forward with a
    conditional UPDATE: with several schedulers on several machines, exactly one
    wins each period.
    """

    name = models.CharField(_("tâche"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    last_enqueued_at = models.DateTimeField(_("dernière mise en file"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name
