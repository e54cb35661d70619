"""After the rencontre: feedback from people who came, mutual wishes to stay in touch, outcomes months later.

Contact details are revealed only through a ``Connection``, which exists only
when both people ticked each other (``ContactWish`` both ways) and both still
consent to share contact details (consent (b)).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.meetings.models import Registration, Rencontre
from pairs.members.models import Member


class Feedback(models.Model):
    """One answer per checked-in attendee; editable for 7 days after it was first given."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="feedback")
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("utilité pour ma transition"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    nps = models.PositiveSmallIntegerField(
        _("recommandation (0 à 10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    format_suited = models.BooleanField(_("format adapté"), null=True, blank=True)
    takeaway = models.TextField(_("ce que je retiens"), blank=True, max_length=2000)
    would_come_again = models.BooleanField(_("je reviendrais"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("répondu le"))
    updated_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")

    def __str__(self) -> str:
        return str(self.registration)


class ContactWish(models.Model):
    """« Je souhaite rester en contact avec … » — never shown to the other person on its own."""

    rencontre = models.ForeignKey(Rencontre, on_delete=models.CASCADE, related_name="contact_wishes")
    from_member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contact_wishes_sent")
    to_member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contact_wishes_received")
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("souhait de rester en contact")
        verbose_name_plural = _("souhaits de rester en contact")
        constraints = [
            models.UniqueConstraint(
                fields=["rencontre", "from_member", "to_member"], name="feedback_one_wish"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_member=models.F("to_member")), name="feedback_no_self_wish"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_member_id} → {self.to_member_id}"


class Connection(models.Model):
    """Two members who both want to stay in touch; stored once per pair (member_a has the smaller id)."""

    member_a = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    member_b = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    rencontre = models.ForeignKey(
        Rencontre,
        on_delete=models.SET_NULL,
        null=True,
        related_name="connections",
        verbose_name=_("rencontrés à"),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        constraints = [
            models.UniqueConstraint(fields=["member_a", "member_b"], name="feedback_one_connection"),
            models.CheckConstraint(
                condition=models.Q(member_a__lt=models.F("member_b")), name="feedback_ordered_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_a_id} ↔ {self.member_b_id}"


class SharedDetails(models.Model):
    """Which of their details a member shows to their mutual connections."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="shared_details")
    email = models.BooleanField(_("mon adresse email"), default=True)
    phone = models.BooleanField(_("mon téléphone"), default=False)
    linkedin = models.BooleanField(_("mon profil LinkedIn"), default=False)

    class Meta:
        verbose_name = _("coordonnées partagées")
        verbose_name_plural = _("coordonnées partagées")

    def __str__(self) -> str:
        return str(self.member)


class OutcomeResult(models.TextChoices):
    NEW_JOB = "new_job", _("J'ai un nouveau poste")
    TRAINING = "training", _("J'ai commencé une formation")
    COMPANY = "company", _("J'ai créé ou repris une entreprise")
    SEARCHING = "searching", _("Je cherche toujours")
    OTHER = "other", _("Autre")


class OutcomeSurvey(models.Model):
    """The short survey 3 and 6 months after a member's first rencontre."""

    class Wave(models.IntegerChoices):
        THREE_MONTHS = 3, _("3 mois")
        SIX_MONTHS = 6, _("6 mois")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="outcome_surveys")
    wave = models.PositiveSmallIntegerField(_("vague"), choices=Wave.choices)
    first_rencontre = models.ForeignKey(Rencontre, on_delete=models.SET_NULL, null=True, related_name="+")
    due_at = models.DateTimeField(_("à envoyer le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    result = models.CharField(_("où j'en suis"), max_length=12, choices=OutcomeResult.choices, blank=True)
    network_helped = models.BooleanField(_("le réseau de pairs m'a aidé·e"), null=True, blank=True)
    would_help_others = models.BooleanField(
        _("j'aiderais quelqu'un dans ma situation d'avant"), null=True, blank=True
    )
    detail = models.TextField(_("précisions"), blank=True, max_length=2000)
    # A reported change proposes a new phase/situation; the member confirms it before the profile changes.
    proposed_phase = models.CharField(_("étape proposée"), max_length=20, blank=True)
    proposed_situation = models.CharField(_("situation proposée"), max_length=20, blank=True)
    change_confirmed_at = models.DateTimeField(_("changement confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("enquête de suivi")
        verbose_name_plural = _("enquêtes de suivi")
        constraints = [
            models.UniqueConstraint(fields=["member", "wave"], name="feedback_one_survey_per_wave")
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="feedback_survey_due")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_wave_display()}"
