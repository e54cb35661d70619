"""Invitations sent by a consultant so that a contact activates their account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member


class ActivationInvitation(models.Model):
    """One emailed activation link. The signed link carries the nonce: a link whose
    invitation was used or replaced by a newer one is refused, even before it expires."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="activation_invitations", verbose_name=_("membre")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité·e par"),
    )
    nonce = models.CharField(_("jeton"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("remplacée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation à activer un compte")
        verbose_name_plural = _("invitations à activer un compte")

    def __str__(self) -> str:
        return f"{self.member_id} · {self.created_at:%Y-%m-%d %H:%M}"
