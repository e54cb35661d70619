"""Room plans of a rencontre: who sits at which table, round after round.

A plan is stored with the claims the planner made about it (repeats, quota
violations, bounds) so the page can show the quality of every plan; a re-plan
at check-in is a new version that keeps the rounds already played.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.meetings.models import Rencontre


class SeatingPlan(models.Model):
    rencontre = models.ForeignKey(Rencontre, on_delete=models.CASCADE, related_name="seating_plans")
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("plan en cours"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    table_size = models.PositiveSmallIntegerField(_("personnes par table"))
    rounds = models.PositiveSmallIntegerField(_("tours"))
    # [{"role": "pas d'avance", "minimum": 1, "maximum": null}, …]
    quotas = models.JSONField(_("quotas par table"), default=list)
    # Member ids: participants in planning order; schedule[round][table] = [member ids].
    participants = models.JSONField(default=list)
    schedule = models.JSONField(default=list)
    roles = models.JSONField(default=dict)  # member id (str) → [roles]
    played_rounds = models.PositiveSmallIntegerField(_("tours déjà joués"), default=0)
    repeats = models.PositiveIntegerField(_("rencontres en double"))
    repeated_pairs = models.JSONField(default=list)
    quota_violations = models.JSONField(default=list)
    affinity_total = models.FloatField(_("affinité totale"))
    affinity_bound = models.FloatField(_("borne d'affinité"))
    rounds_bound = models.PositiveIntegerField(_("tours possibles sans doublon (borne)"))
    zero_repeats_proven_infeasible = models.BooleanField(default=False)
    infeasibility_reason = models.TextField(blank=True)
    quotas_proven_infeasible = models.BooleanField(default=False)
    method = models.CharField(_("méthode"), max_length=200)
    notes = models.JSONField(default=list)
    seconds = models.FloatField(_("durée du calcul (s)"))

    class Meta:
        ordering = ["rencontre", "-version"]
        verbose_name = _("plan de table")
        verbose_name_plural = _("plans de table")
        constraints = [
            models.UniqueConstraint(fields=["rencontre", "version"], name="seating_one_version"),
            models.UniqueConstraint(
                fields=["rencontre"], condition=models.Q(is_current=True), name="seating_one_current_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rencontre} · v{self.version}"

    @property
    def affinity_ratio(self) -> float:
        return self.affinity_total / self.affinity_bound if self.affinity_bound > 0 else 1.0
