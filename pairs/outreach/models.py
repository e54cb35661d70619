"""The public side: people who leave their details ("Restons en contact"), reports of
accessibility problems, and the per-IP counter that keeps the public forms from spam.

A sign-up is double opt-in: it is stored unconfirmed, the emailed link confirms it,
and an unconfirmed sign-up is purged after 7 days (``services.outreach_purge_run``).
The consent text shown is stored with the sign-up, word for word, with its date.
Unsubscribing empties the personal fields at once: what stays (profile, département,
wishes, dates) identifies nobody and only feeds counts until the row is purged.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member
from pairs.reference.models import Departement

MESSAGE_MAX_LENGTH = 2000
REPORT_MAX_LENGTH = 5000


class Profile(models.TextChoices):
    CADRE_EMPLOYED = "cadre_employed", _("Cadre en poste")
    CADRE_SEEKING = "cadre_seeking", _("Cadre en recherche d'emploi")
    GRADUATE = "graduate", _("Jeune diplômé·e")
    RECRUITER = "recruiter", _("Recruteur·rice / entreprise")
    APEC_CONSULTANT = "apec_consultant", _("Consultant·e Apec")
    PARTNER = "partner", _("Partenaire (association, école, collectivité…)")


class Wish(models.TextChoices):
    NEWS = "news", _("Être informé·e des nouvelles du projet")
    INVITATION = "invitation", _("Être invité·e à une rencontre")
    CONTRIBUTE = "contribute", _("Contribuer au projet")


# Wish → the boolean column that stores it (three columns filter easily on every database).
WISH_FIELDS = {
    Wish.NEWS: "wants_news",
    Wish.INVITATION: "wants_invitation",
    Wish.CONTRIBUTE: "wants_to_contribute",
}


class Signup(models.Model):
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    # Empty once the person unsubscribed (the row no longer names anyone).
    email = models.EmailField(_("adresse email"), max_length=254, blank=True)
    profile = models.CharField(_("profil"), max_length=20, choices=Profile.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="+", verbose_name=_("département")
    )
    wants_news = models.BooleanField(_("souhaite être informé·e"), default=False)
    wants_invitation = models.BooleanField(_("souhaite être invité·e à une rencontre"), default=False)
    wants_to_contribute = models.BooleanField(_("souhaite contribuer au projet"), default=False)
    message = models.TextField(_("message"), blank=True, validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    # The consent as shown: exact text, its version, and when it was given.
    consent_text = models.TextField(_("texte de consentement présenté"))
    consent_version = models.CharField(_("version du texte"), max_length=20)
    consent_at = models.DateTimeField(_("consentement donné le"))
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)
    # Last time the form was sent for this address (an unconfirmed sign-up expires 7 days after).
    submitted_at = models.DateTimeField(_("dernier envoi du formulaire"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit·e le"), null=True, blank=True)
    # Last email sent to the address: re-sending waits for RESEND_INTERVAL.
    last_email_at = models.DateTimeField(_("dernier email envoyé le"), null=True, blank=True)
    # Signed into the confirmation and unsubscribe links; never shown.
    nonce = models.CharField(_("jeton"), max_length=64, unique=True, editable=False)
    invited_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membre invité·e"),
    )
    invited_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitation envoyée par"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inscription « Restons en contact »")
        verbose_name_plural = _("inscriptions « Restons en contact »")
        constraints = [
            # One live sign-up per address; unsubscribed rows have no address.
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="outreach_signup_email"),
        ]
        indexes = [
            models.Index(fields=["confirmed_at", "submitted_at"], name="outreach_signup_state"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"#{self.pk}"

    @property
    def wishes(self) -> list[str]:
        return [wish for wish, name in WISH_FIELDS.items() if getattr(self, name)]

    def wish_labels(self) -> list[str]:
        return [str(Wish(wish).label) for wish in self.wishes]


class AccessibilityReport(models.Model):
    """A visitor tells us about an accessibility problem (RGAA: "retour d'information")."""

    page_url = models.CharField(_("page concernée"), max_length=500, blank=True)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(REPORT_MAX_LENGTH)])
    name = models.CharField(_("nom"), max_length=100, blank=True)
    email = models.EmailField(_("adresse email"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signalement d'accessibilité")
        verbose_name_plural = _("signalements d'accessibilité")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.page_url or '—'}"


class SubmissionThrottle(models.Model):
    """One submission of a public form from one IP address (a keyed hash of it, never the address)."""

    scope = models.CharField(_("formulaire"), max_length=30)
    ip_hash = models.CharField(_("empreinte de l'adresse IP"), max_length=64)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("envoi d'un formulaire public")
        verbose_name_plural = _("envois des formulaires publics")
        indexes = [models.Index(fields=["scope", "ip_hash", "at"], name="outreach_throttle_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} · {self.at:%Y-%m-%d %H:%M}"
