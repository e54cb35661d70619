"""Members: the cadres, young graduates and recruiters who meet each other.

The profile says where a person stands in a transition (phase) and what
their situation is, what they seek and can offer (topics, target jobs, free
texts) and how they like to meet (formats, availability); the matching engine
reads all of it. Every profile field beyond the first cut is optional.

Validators here check stored values; `services.member_update_profile` also
normalises (phone) and checks what a row cannot (at most 3 target jobs).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.network.models import Delegation
from pairs.reference.models import Departement, NafDivision, RomeMetier

from .topics import AVAILABILITY_SLOTS, availability_label

MAX_TARGET_JOBS = 3
FREE_TEXT_MAX_LENGTH = 2000

PHONE_MESSAGE = _(
    "Numéro de téléphone invalide : saisissez un numéro français à 10 chiffres commençant par 0 "
    "(ex. 06 12 34 56 78) ou au format +33 (ex. +33 6 12 34 56 78)."
)
LINKEDIN_MESSAGE = _(
    "Adresse LinkedIn invalide : elle doit commencer par https:// et pointer vers linkedin.com "
    "(ex. https://www.linkedin.com/in/votre-profil)."
)

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE_NATIONAL = re.compile(r"0[1-9]\d{8}")
_PHONE_INTERNATIONAL = re.compile(r"(?:\+33|0033)[1-9]\d{8}")
_PHONE_NORMALISED = re.compile(r"\+33[1-9]\d{8}")


def phone_normalise(value: str) -> str:
    """A French phone number as +33XXXXXXXXX; "" stays ""; raise ValidationError otherwise."""
    compact = _PHONE_SEPARATORS.sub("", value or "")
    if not compact:
        return ""
    if _PHONE_NATIONAL.fullmatch(compact):
        return "+33" + compact[1:]
    if _PHONE_INTERNATIONAL.fullmatch(compact):
        return "+33" + compact[-9:]
    raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


def validate_phone(value: str) -> None:
    """Stored numbers are normalised: +33 and 9 digits."""
    if value and not _PHONE_NORMALISED.fullmatch(value):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


def validate_linkedin_url(value: str) -> None:
    if not value:
        return
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        raise ValidationError(LINKEDIN_MESSAGE, code="invalid_linkedin_url")


def validate_availability(value: object) -> None:
    """A list of known slot codes ("mon_morning" … "fri_evening")."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(
            _("Les disponibilités doivent être une liste de créneaux."), code="invalid_availability"
        )
    unknown = [code for code in value if code not in AVAILABILITY_SLOTS]
    if unknown:
        raise ValidationError(
            _("Créneau de disponibilité inconnu : %(codes)s."),
            code="unknown_availability",
            params={"codes": ", ".join(unknown)},
        )


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


class ExperienceBand(models.TextChoices):
    UNDER_2 = "lt2", _("Moins de 2 ans")
    FROM_2_TO_5 = "2to5", _("De 2 à 5 ans")
    FROM_5_TO_10 = "5to10", _("De 5 à 10 ans")
    FROM_10_TO_20 = "10to20", _("De 10 à 20 ans")
    OVER_20 = "gt20", _("Plus de 20 ans")


class Topic(models.Model):
    """A transition topic members seek or offer; the national team curates the list."""

    slug = models.SlugField(_("identifiant"), max_length=50, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100, unique=True)
    is_active = models.BooleanField(_("proposé aux membres"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")

    def __str__(self) -> str:
        return self.label


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
    # --- What the member seeks and offers ---
    target_jobs = models.ManyToManyField(
        RomeMetier,
        blank=True,
        related_name="targeting_members",
        verbose_name=_("métiers visés"),
        help_text=_("Trois au plus."),
    )
    target_sector = models.ForeignKey(
        NafDivision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secteur visé"),
    )
    experience_band = models.CharField(
        _("expérience professionnelle"), max_length=10, choices=ExperienceBand.choices, blank=True
    )
    topics_sought = models.ManyToManyField(
        Topic, blank=True, related_name="seekers", verbose_name=_("thématiques recherchées")
    )
    topics_offered = models.ManyToManyField(
        Topic, blank=True, related_name="offerers", verbose_name=_("thématiques proposées")
    )
    seeking_text = models.TextField(
        _("ce que je cherche"), blank=True, validators=[MaxLengthValidator(FREE_TEXT_MAX_LENGTH)]
    )
    offering_text = models.TextField(
        _("ce que je peux apporter"), blank=True, validators=[MaxLengthValidator(FREE_TEXT_MAX_LENGTH)]
    )
    # --- How the member likes to meet ---
    # Neither ticked: no preference stated.
    prefers_in_person = models.BooleanField(_("rencontres en présentiel"), default=False)
    prefers_video = models.BooleanField(_("rencontres en visio"), default=False)
    availability = models.JSONField(
        _("disponibilités"),
        default=list,
        blank=True,
        validators=[validate_availability],
        help_text=_('Liste de créneaux, par exemple ["mon_morning", "thu_evening"].'),
    )
    # Stored normalised (+33 and 9 digits); the room is for what people type in forms.
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, validators=[validate_phone])
    linkedin_url = models.URLField(
        _("profil LinkedIn"), max_length=300, blank=True, validators=[validate_linkedin_url]
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

    def availability_labels(self) -> list[str]:
        """The availability slots as French labels ("Lundi matin"), like get_FOO_display."""
        return [availability_label(code) for code in self.availability or []]
