"""Members: the cadres, young graduates and recruiters who meet each other.

The profile says where a person stands in a transition (phase) and what
their situation is; the matching engine reads both. Later issues add topics,
target jobs, consents and availability as new fields or related tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.network.models import Delegation
from pairs.reference.models import Departement, NafDivision, RomeMetier


class Situation(models.TextChoices):
    EMPLOYED = "employed", _("Cadre en poste, en réflexion ou en mobilité")
    JOB_SEEKER = "job_seeker", _("Cadre en recherche d'emploi")
    GRADUATE = "graduate", _("Jeune diplômé·e en recherche d'un premier emploi")
    RECRUITER = "recruiter", _("Recruteur·rice / entreprise")


class Phase(models.TextChoices):
    # Ordered: a later phase is "a step ahead" of an earlier one.
    PREPARATION = "preparation", _("Préparation")
    TRANSITION = "transition", _("Transition")
    INTEGRATION = "integration", _("Intégration")


class Member(models.Model):
    # Imported contacts have no account until they activate it.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="member"
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("adresse email"), unique=True)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("département"),
    )
    # Derived from the département by the services; stored because every
    # consultant query filters on it.
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("délégation"),
    )
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    phase = models.CharField(_("étape de la transition"), max_length=20, choices=Phase.choices)
    current_job = models.ForeignKey(
        RomeMetier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("métier actuel ou dernier métier"),
    )
    sector = models.ForeignKey(
        NafDivision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secteur d'activité"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        indexes = [
            models.Index(fields=["delegation", "situation", "phase"], name="member_deleg_sit_phase"),
            # Lists are ordered by name; the index keeps deep pages cheap.
            models.Index(fields=["last_name", "first_name", "id"], name="member_name_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
