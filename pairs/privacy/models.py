"""Consents and the audit trail of who looked at or changed a member's profile.

Both tables are append-only histories. A consent is never updated in place:
granting or revoking adds a ``ConsentRecord`` row, and the current state of a
kind of consent is its latest row (no row: not granted). Each row points to
the exact wording the person was shown (``ConsentWording``, one row per kind
and version, never edited), so that we can always say what someone agreed to
and when, without copying the text into every record.

Who may record what (enforced by ``services.consent_record``):
- ``recommendations`` and ``contact_sharing`` expose the member to other
  people; only the member themself may *grant* them (``recorded_by`` must be
  the member's own account). A consultant may record a *revocation* on the
  member's behalf (e.g. asked by phone): withdrawing must be as easy as giving.
- ``statistics`` and ``rencontre_emails`` may be granted or revoked by the
  member or by a consultant acting on the member's behalf.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member


class ConsentKind(models.TextChoices):
    RECOMMENDATIONS = "recommendations", _("Apparaître dans les recommandations des autres membres")
    CONTACT_SHARING = "contact_sharing", _("Partager mes coordonnées après accord mutuel")
    STATISTICS = "statistics", _("Utilisation anonymisée de mes données pour des statistiques")
    RENCONTRE_EMAILS = "rencontre_emails", _("Recevoir des emails sur les rencontres")


# Kinds that only the member may grant (see the module docstring).
MEMBER_ONLY_GRANT_KINDS = frozenset({ConsentKind.RECOMMENDATIONS, ConsentKind.CONTACT_SHARING})


class ConsentSource(models.TextChoices):
    PROFILE = "profil", _("Profil")
    SIGNUP = "inscription", _("Inscription")
    IMPORT = "import", _("Import")
    CONSULTANT = "conseiller", _("Consultant·e")


class ConsentWording(models.Model):
    """One version of the text shown for a kind of consent; immutable once used."""

    kind = models.CharField(_("consentement"), max_length=30, choices=ConsentKind.choices)
    version = models.CharField(_("version du texte"), max_length=20)
    text = models.TextField(_("texte présenté"))

    class Meta:
        ordering = ["kind", "version"]
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="unique_consent_wording")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.version}"


class ConsentRecord(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("membre")
    )
    kind = models.CharField(_("consentement"), max_length=30, choices=ConsentKind.choices)
    granted = models.BooleanField(_("accordé"))
    wording = models.ForeignKey(
        ConsentWording, on_delete=models.PROTECT, related_name="records", verbose_name=_("texte présenté")
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    # The member themself, a consultant on the member's behalf, or nobody (import).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    source = models.CharField(_("origine"), max_length=20, choices=ConsentSource.choices)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        indexes = [
            models.Index(fields=["member", "kind", "recorded_at"], name="consent_member_kind_at"),
            # members_with_consent starts from a kind and keeps the latest row per member.
            models.Index(fields=["kind", "member", "recorded_at"], name="consent_kind_member_at"),
        ]

    def __str__(self) -> str:
        state = _("accordé") if self.granted else _("retiré")
        return f"{self.member_id} · {self.kind} · {state} · {self.recorded_at:%Y-%m-%d %H:%M}"

    @property
    def text(self) -> str:
        return self.wording.text

    @property
    def text_version(self) -> str:
        return self.wording.version


class ProfileAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    CHANGE = "change", _("Modification")
    EXPORT = "export", _("Export")
    ERASE = "erase", _("Effacement")


class ProfileAccess(models.Model):
    # SET_NULL on both sides: the trail outlives a deleted account, and the
    # record of an erasure survives the erased member (it holds no profile data).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        related_name="profile_accesses",
        verbose_name=_("membre"),
    )
    action = models.CharField(_("action"), max_length=10, choices=ProfileAction.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)
    detail = models.TextField(_("détail"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("accès à un profil")
        verbose_name_plural = _("accès aux profils")
        indexes = [models.Index(fields=["member", "at"], name="profile_access_member_at")]

    def __str__(self) -> str:
        return f"{self.actor_id} · {self.action} · {self.member_id} · {self.at:%Y-%m-%d %H:%M}"


class Erasure(models.Model):
    """The record that a member's personal data was erased (right to erasure, RGPD art. 17).

    The member row itself survives, anonymised, so that aggregate statistics
    stay right; this row says when and by whom it was erased. It also keeps a
    keyed hash of the erased email (never the email) so that an import can tell
    that the person asked to be forgotten and must give a fresh consent before
    being added again. ``member`` is SET_NULL so the fingerprint outlives even a
    later hard delete of the anonymised row.
    """

    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure",
        verbose_name=_("membre"),
    )
    erased_at = models.DateTimeField(_("effacé le"), default=timezone.now)
    # None: erased by the retention job.
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("effacé par"),
    )
    email_fingerprint = models.CharField(_("empreinte de l'adresse email"), max_length=64, db_index=True)

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("effacement")
        verbose_name_plural = _("effacements")

    def __str__(self) -> str:
        return f"{self.member_id} · {self.erased_at:%Y-%m-%d %H:%M}"


class RetentionNotice(models.Model):
    """The warning sent to an inactive member before their data is erased.

    One row per member: the warning goes out once per period of inactivity.
    A login after ``warned_at`` cancels it (``cancelled_at``); if the member
    falls inactive again later, the same row is reused for a new warning.
    """

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="retention_notice", verbose_name=_("membre")
    )
    warned_at = models.DateTimeField(_("prévenu·e le"))
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        ordering = ["-warned_at", "-id"]
        verbose_name = _("avertissement avant effacement")
        verbose_name_plural = _("avertissements avant effacement")
        indexes = [models.Index(fields=["cancelled_at", "warned_at"], name="retention_pending")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.warned_at:%Y-%m-%d}"
