"""A consultant's contacts: the members they brought in or follow, and on what basis."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member
from pairs.network.models import Consultant


class ContactBasis(models.TextChoices):
    APEC_INTERVIEW = "apec_interview", _("Entretien ou accompagnement Apec")
    EVENT = "event", _("Atelier, salon ou rencontre")
    FILE_IMPORT = "file_import", _("Import d'un fichier de contacts")
    MEMBER_REQUEST = "member_request", _("Demande du membre")
    OTHER = "other", _("Autre")


class Contact(models.Model):
    """A member is the contact of a consultant; a member may be the contact of several."""

    consultant = models.ForeignKey(
        Consultant, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("consultant·e")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("membre")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)
    basis = models.CharField(_("origine du contact"), max_length=20, choices=ContactBasis.choices)
    basis_detail = models.CharField(_("précision"), max_length=250, blank=True)

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(fields=["consultant", "member"], name="unique_contact")]

    def __str__(self) -> str:
        return f"{self.member} ← {self.consultant}"


NOTE_MAX_LENGTH = 5000


class ConsultantNote(models.Model):
    """A consultant's private note on a member: only its author ever reads the text.

    Not the national team, not the delegation lead, not the admin site (which
    lists notes without their text).
    """

    # The note goes with its author: nobody else may read it anyway.
    author = models.ForeignKey(
        Consultant, on_delete=models.CASCADE, related_name="notes", verbose_name=_("auteur·rice")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="consultant_notes", verbose_name=_("membre")
    )
    text = models.TextField(_("texte de la note"), validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("note privée")
        verbose_name_plural = _("notes privées")
        indexes = [models.Index(fields=["member", "author", "created_at"], name="note_member_author_at")]

    def __str__(self) -> str:
        # Never the text: this string shows in the admin and its history.
        return f"{self.member} · {self.author} · {self.created_at:%Y-%m-%d %H:%M}"
