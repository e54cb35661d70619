"""Pre-aggregated statistics of the experiment (Zulip-analytics style) and experiment waves.

``DailyFact`` is the fact table: one row per (day, delegation, format,
situation, phase, metric) holding a count or a sum, written only by the fill
job (``services.insights_fill``) and never recomputed on page load.
``MonthlyFact`` is the same table rolled up by month, refreshed with the day,
so that a dashboard over two years sums a few thousand rows, not millions.

``format`` is a rencontre format, or ``ALL`` ("*"): every format, rolled up.
The person dimensions (situation, phase) hold three kinds of values:
- a ``Situation`` / ``Phase`` code: members who consented to statistics (c);
- ``UNSPLIT`` ("-"): members without that consent, counted in totals but in
  no breakdown;
- ``ALL`` ("*"): the roll-up over every member, so that a page without a
  situation filter reads one row per cell instead of summing the breakdown.
Rencontre-level metrics (rencontres held, connections) exist only at (ALL, ALL).
See docs/insights.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Topic
from pairs.network.models import Delegation

ALL = "*"
UNSPLIT = "-"


class Metric(models.TextChoices):
    # Rencontre level (no consent needed, only at situation = phase = ALL).
    RENCONTRES_HELD = "rencontres_held", _("Rencontres tenues")
    CONNECTIONS = "connections", _("Mises en relation (paires)")
    # Person level.
    INVITATIONS = "invitations", _("Invitations envoyées")
    REGISTRATIONS = "registrations", _("Inscriptions")
    WAITLISTED = "waitlisted", _("En liste d'attente le jour venu")
    ATTENDED = "attended", _("Présences")
    WALK_INS = "walk_ins", _("Venues sans inscription")
    NO_SHOWS = "no_shows", _("Absences d'inscrit·es")
    FEEDBACK = "feedback", _("Avis donnés")
    SATISFACTION_SUM = "satisfaction_sum", _("Somme des notes de satisfaction")
    USEFULNESS_SUM = "usefulness_sum", _("Somme des notes d'utilité")
    NPS_PROMOTERS = "nps_promoters", _("Promoteur·rices (9-10)")
    NPS_PASSIVES = "nps_passives", _("Passif·ves (7-8)")
    NPS_DETRACTORS = "nps_detractors", _("Détracteur·rices (0-6)")
    CONNECTED_MEMBERS = "connected_members", _("Participant·es mis·es en relation")
    OUTCOME3_ANSWERED = "outcome3_answered", _("Enquêtes à 3 mois répondues")
    OUTCOME3_NEW_JOB = "outcome3_new_job", _("3 mois : nouveau poste")
    OUTCOME3_TRAINING = "outcome3_training", _("3 mois : formation")
    OUTCOME3_COMPANY = "outcome3_company", _("3 mois : création ou reprise d'entreprise")
    OUTCOME3_SEARCHING = "outcome3_searching", _("3 mois : toujours en recherche")
    OUTCOME3_OTHER = "outcome3_other", _("3 mois : autre")
    OUTCOME6_ANSWERED = "outcome6_answered", _("Enquêtes à 6 mois répondues")
    OUTCOME6_NEW_JOB = "outcome6_new_job", _("6 mois : nouveau poste")
    OUTCOME6_TRAINING = "outcome6_training", _("6 mois : formation")
    OUTCOME6_COMPANY = "outcome6_company", _("6 mois : création ou reprise d'entreprise")
    OUTCOME6_SEARCHING = "outcome6_searching", _("6 mois : toujours en recherche")
    OUTCOME6_OTHER = "outcome6_other", _("6 mois : autre")


RENCONTRE_LEVEL_METRICS = frozenset({Metric.RENCONTRES_HELD, Metric.CONNECTIONS})
PERSON_LEVEL_METRICS = frozenset(set(Metric) - RENCONTRE_LEVEL_METRICS)
# Sums of marks are person-level but not head counts: never shown alone, only as means.
SUM_METRICS = frozenset({Metric.SATISFACTION_SUM, Metric.USEFULNESS_SUM})


class FactBase(models.Model):
    # No index of its own: the composite indexes start with it, and each index slows the fill.
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="+", db_index=False)
    format = models.CharField(_("format"), max_length=20)
    situation = models.CharField(_("situation"), max_length=20)
    phase = models.CharField(_("étape"), max_length=20)
    metric = models.CharField(_("indicateur"), max_length=30, choices=Metric.choices)
    value = models.BigIntegerField(_("valeur"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.delegation_id} · {self.format} · {self.situation}/{self.phase} · {self.metric} = {self.value}"


class DailyFact(FactBase):
    """A count for one day of rencontres (the rencontre's local date), one delegation, format and person group."""

    day = models.DateField(_("jour"))

    class Meta:
        verbose_name = _("statistique du jour")
        verbose_name_plural = _("statistiques par jour")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "delegation", "format", "situation", "phase", "metric"],
                name="insights_daily_key",
            )
        ]
        # Delegation pages read one delegation's rows of one person group over a period.
        indexes = [
            models.Index(
                fields=["delegation", "situation", "phase", "format", "day"], name="insights_daily_deleg"
            ),
            models.Index(fields=["situation", "phase", "format", "day"], name="insights_daily_group"),
        ]


class MonthlyFact(FactBase):
    """DailyFact summed by calendar month (``month`` is the first day); refreshed with each day.

    Rows with no delegation hold the national total (every delegation), so a
    national page reads one row per cell instead of summing twelve.
    """

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="+", db_index=False, null=True, blank=True
    )
    month = models.DateField(_("mois"))

    class Meta:
        verbose_name = _("statistique du mois")
        verbose_name_plural = _("statistiques par mois")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "delegation", "format", "situation", "phase", "metric"],
                name="insights_monthly_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["delegation", "situation", "phase", "format", "month"], name="insights_monthly_deleg"
            ),
            models.Index(fields=["situation", "phase", "format", "month"], name="insights_monthly_group"),
        ]


class TopicFact(models.Model):
    """Topics of the rencontres held that day: rencontres (at ALL/ALL only) and attendees per person group."""

    day = models.DateField(_("jour"))
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="+", db_index=False)
    format = models.CharField(_("format"), max_length=20)
    situation = models.CharField(_("situation"), max_length=20)
    phase = models.CharField(_("étape"), max_length=20)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    rencontres = models.PositiveIntegerField(_("rencontres"), default=0)
    attended = models.PositiveIntegerField(_("présences"), default=0)

    class Meta:
        verbose_name = _("statistique de thématique")
        verbose_name_plural = _("statistiques de thématiques")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "delegation", "format", "situation", "phase", "topic"],
                name="insights_topic_key",
            )
        ]
        indexes = [models.Index(fields=["situation", "phase", "format", "day"], name="insights_topic_group")]

    def __str__(self) -> str:
        return f"{self.day} · {self.topic_id} · {self.attended}"


class MonthlyTopicFact(models.Model):
    """TopicFact summed by month; no delegation: every delegation (the national total)."""

    month = models.DateField(_("mois"))
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="+", db_index=False, null=True, blank=True
    )
    format = models.CharField(_("format"), max_length=20)
    situation = models.CharField(_("situation"), max_length=20)
    phase = models.CharField(_("étape"), max_length=20)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", db_index=False)
    rencontres = models.PositiveIntegerField(_("rencontres"), default=0)
    attended = models.PositiveIntegerField(_("présences"), default=0)

    class Meta:
        verbose_name = _("statistique de thématique du mois")
        verbose_name_plural = _("statistiques de thématiques par mois")
        indexes = [
            models.Index(
                fields=["delegation", "situation", "phase", "format", "month"], name="insights_mtopic_deleg"
            ),
            models.Index(fields=["month"], name="insights_mtopic_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month} · {self.topic_id} · {self.attended}"


class FillSource(models.TextChoices):
    """What a day's fill reads; each settles after its own delay (see services.SETTLE_AFTER)."""

    MEETINGS = "meetings", _("Rencontres, invitations, inscriptions, présences")
    FEEDBACK = "feedback", _("Avis et mises en relation")
    OUTCOMES = "outcomes", _("Enquêtes de suivi à 3 et 6 mois")


class FillState(models.Model):
    """What the fill job has done for one day and one source.

    ``settled`` days are past the delay after which their source no longer
    changes: the job does not recompute them (unless asked to) and resumes
    from the first unsettled day.
    """

    day = models.DateField(_("jour"))
    source = models.CharField(_("source"), max_length=20, choices=FillSource.choices)
    filled_at = models.DateTimeField(_("calculé le"))
    settled = models.BooleanField(_("définitif"), default=False)

    class Meta:
        ordering = ["-day", "source"]
        verbose_name = _("état du calcul")
        verbose_name_plural = _("états du calcul")
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="insights_fill_state_key")]
        indexes = [models.Index(fields=["source", "settled", "day"], name="insights_fill_resume")]

    def __str__(self) -> str:
        return f"{self.day} · {self.source}"


class ExperimentWave(models.Model):
    """A wave of the experiment: a period and the delegations taking part, defined by the national team."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    delegations = models.ManyToManyField(
        Delegation, related_name="experiment_waves", verbose_name=_("délégations participantes")
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name = _("vague de l'expérimentation")
        verbose_name_plural = _("vagues de l'expérimentation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="insights_wave_period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name
