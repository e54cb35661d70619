"""The 1:1 peer-coffee programme: who takes part, the monthly rounds, the pairs and what became of them.

A *pool* is one delegation (its members are paired together) or, when ``delegation`` is
null, the national pool: members without a delegation who meet in visio. The pairing
itself is computed by ``pairs_engine.planning.pair_round``; a round stores its figures
(method, total weight, upper bound, gap) so that the quality of every round is visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member
from pairs.network.models import Delegation
from pairs.reference.models import Departement


class Frequency(models.IntegerChoices):
    MONTHLY = 1, _("Chaque mois")
    BIMONTHLY = 2, _("Tous les deux mois")
    QUARTERLY = 3, _("Tous les trois mois")


class CoffeeOptIn(models.Model):
    """A member's participation; opting out keeps the row (and the history) with ``active=False``."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="coffee_opt_in")
    active = models.BooleanField(_("participe"), default=True)
    frequency = models.PositiveSmallIntegerField(
        _("fréquence"), choices=Frequency.choices, default=Frequency.MONTHLY
    )
    # Default for each new pairing: show my email to my binôme when they accept too.
    share_email = models.BooleanField(_("partager mon adresse email avec mon binôme"), default=False)
    joined_at = models.DateTimeField(_("inscrit·e le"))
    left_at = models.DateTimeField(_("parti·e le"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation au café entre pairs")
        verbose_name_plural = _("participations au café entre pairs")
        indexes = [models.Index(fields=["active"], name="coffee_optin_active")]

    def __str__(self) -> str:
        return str(self.member)


class OddPolicy(models.TextChoices):
    TRIO = "trio", _("La personne seule rejoint un binôme (trio)")
    PRIORITY = "priority", _("La personne seule est prioritaire au tour suivant")


class CoffeeRound(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("échec")

    # Null: the national pool (members without a delegation, in visio).
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="coffee_rounds"
    )
    period = models.CharField(_("mois"), max_length=7)  # "2026-11", Paris time
    odd_policy = models.CharField(
        _("personne seule"), max_length=10, choices=OddPolicy.choices, default=OddPolicy.TRIO
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member_count = models.PositiveIntegerField(_("membres"), default=0)
    pair_count = models.PositiveIntegerField(_("binômes"), default=0)
    trio_count = models.PositiveIntegerField(_("trios"), default=0)
    priority_count = models.PositiveIntegerField(_("sans binôme (prioritaires)"), default=0)
    method = models.CharField(_("méthode"), max_length=60, blank=True)
    exact = models.BooleanField(_("optimum prouvé"), default=False)
    total_weight = models.FloatField(_("poids total"), default=0.0)
    upper_bound = models.FloatField(_("borne supérieure"), default=0.0)
    gap = models.FloatField(_("écart à la borne"), default=0.0)
    seconds = models.FloatField(_("durée (s)"), null=True, blank=True)
    note = models.TextField(_("remarque"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("tour de café entre pairs")
        verbose_name_plural = _("tours de café entre pairs")
        indexes = [models.Index(fields=["delegation", "period"], name="coffee_round_pool_period")]

    def __str__(self) -> str:
        return f"{self.delegation or _('National (visio)')} · {self.period}"

    @property
    def relative_gap(self) -> float:
        return self.gap / self.upper_bound if self.upper_bound > 0 else 0.0

    @property
    def gap_percent(self) -> float:
        return 100.0 * self.relative_gap


class MeetingFormat(models.TextChoices):
    VIDEO = "video", _("En visio")
    IN_PERSON = "in_person", _("Autour d'un café")


class CoffeePairing(models.Model):
    """A binôme, or a trio when the odd person joined a pair."""

    round = models.ForeignKey(CoffeeRound, on_delete=models.CASCADE, related_name="pairings")
    format = models.CharField(_("format proposé"), max_length=10, choices=MeetingFormat.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slot = models.CharField(_("créneau proposé"), max_length=20, blank=True)
    score = models.FloatField(_("score réciproque"), default=0.0)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("binôme")
        verbose_name_plural = _("binômes")

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pas encore de réponse")
    MET = "met", _("Nous nous sommes rencontré·es")
    NOT_MET = "not_met", _("Cela ne s'est pas fait")


class CoffeeParticipant(models.Model):
    pairing = models.ForeignKey(CoffeePairing, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coffee_participations")
    # {"<other member id>": [{"code", "text", "weight"}, ...]} — why, seen by this member (French).
    reasons = models.JSONField(_("raisons"), default=dict)
    outcome = models.CharField(_("réponse"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    share_email = models.BooleanField(_("partage son adresse email"), default=False)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        constraints = [
            models.UniqueConstraint(fields=["pairing", "member"], name="coffee_one_seat_per_pairing")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.pairing}"


class CoffeeWaiting(models.Model):
    """Left without a partner in ``round``: served first at the next round of the pool."""

    round = models.ForeignKey(CoffeeRound, on_delete=models.CASCADE, related_name="waiting")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coffee_waiting")
    served_in = models.ForeignKey(
        CoffeeRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="served"
    )

    class Meta:
        verbose_name = _("personne prioritaire")
        verbose_name_plural = _("personnes prioritaires")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="coffee_one_wait_per_round")]

    def __str__(self) -> str:
        return f"{self.member} · {self.round}"
