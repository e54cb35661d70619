"""What the matching engine produced and with which weights.

The engine (``pairs_engine.matching``) is pure; this app stores its inputs that
people edit (versioned weights), its outputs (suggestions with their reasons),
and what members said about them ("pas intéressé·e").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member
from pairs.network.models import Delegation


class WeightSet(models.Model):
    """One version of the weights; never edited, a change is a new version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    weights = models.JSONField(_("poids"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    is_active = models.BooleanField(_("en service"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("jeu de poids")
        verbose_name_plural = _("jeux de poids")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="recommendations_one_active_weights",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version} — {self.label}"


class SuggestionBatch(models.Model):
    """One computation: a delegation's nightly batch, or one member refreshed after a profile change."""

    class Kind(models.TextChoices):
        DELEGATION = "delegation", _("Délégation (calcul de nuit)")
        MEMBER = "member", _("Un membre (profil modifié)")

    class Status(models.TextChoices):
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    weight_set = models.ForeignKey(WeightSet, on_delete=models.PROTECT, related_name="batches")
    delegation = models.ForeignKey(
        Delegation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("membres"), default=0)
    suggestion_count = models.PositiveIntegerField(_("suggestions"), default=0)
    k = models.PositiveSmallIntegerField(_("suggestions par membre"), default=20)
    exposure_cap = models.PositiveIntegerField(_("plafond d'exposition"), null=True, blank=True)
    coverage = models.FloatField(_("couverture"), null=True, blank=True)
    gini = models.FloatField(_("Gini de l'exposition"), null=True, blank=True)
    seconds = models.FloatField(_("durée (s)"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("calcul de suggestions")
        verbose_name_plural = _("calculs de suggestions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class PeerSuggestion(models.Model):
    """A person suggested to a member; a member's rows are replaced by each new computation."""

    batch = models.ForeignKey(SuggestionBatch, on_delete=models.CASCADE, related_name="suggestions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="peer_suggestions")
    suggested = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("score"))
    forward = models.FloatField(_("intérêt pour le membre"))
    backward = models.FloatField(_("intérêt pour la personne suggérée"))
    # [{"code": ..., "text": ..., "weight": ...}] — French sentences from the engine.
    reasons = models.JSONField(_("raisons"), default=list)

    class Meta:
        ordering = ["member", "rank"]
        verbose_name = _("suggestion de rencontre")
        verbose_name_plural = _("suggestions de rencontre")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "suggested"], name="recommendations_one_suggestion_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.suggested}"


class Dismissal(models.Model):
    """« Pas intéressé·e » : never suggest these two to each other again."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dismissals")
    dismissed = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion écartée")
        verbose_name_plural = _("suggestions écartées")
        constraints = [
            models.UniqueConstraint(fields=["member", "dismissed"], name="recommendations_one_dismissal")
        ]

    def __str__(self) -> str:
        return f"{self.member} ✕ {self.dismissed}"
