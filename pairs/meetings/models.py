"""Rencontres: what consultants organise, who is invited, who registers and comes.

The stored lifecycle is draft → published, or cancelled; "full" and "past"
follow from the registrations and the clock (``Rencontre.state``), so they can
never disagree with them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member, Topic
from pairs.network.models import Consultant, Delegation, Place
from pairs.reference.models import RomeDomaine


class Format(models.TextChoices):
    EXCHANGE_WORKSHOP = "atelier", _("Atelier d'échange")
    BREAKFAST = "petit_dejeuner", _("Petit-déjeuner")
    AFTERWORK = "afterwork", _("Afterwork")
    PEER_CIRCLE = "cercle", _("Cercle de pairs")
    SPEED_MEETING = "speed_meeting", _("Speed-meeting")
    ROUND_TABLE = "table_ronde", _("Table ronde")
    COMPANY_VISIT = "visite", _("Visite d'entreprise")
    ALONGSIDE_EVENT = "en_marge", _("En marge d'un salon ou d'un atelier Apec")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("Présentiel")
    VIDEO = "video", _("Visio")
    HYBRID = "hybrid", _("Hybride")


class Visibility(models.TextChoices):
    INVITATION = "invitation", _("Sur invitation")
    DELEGATION = "delegation", _("Membres de la délégation")
    PUBLIC = "public", _("Public")


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    CANCELLED = "cancelled", _("Annulée")


class State(models.TextChoices):
    """What a reader sees: the stored status refined by fill and time."""

    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    FULL = "full", _("Complète")
    PAST = "past", _("Passée")
    CANCELLED = "cancelled", _("Annulée")


class ParentEvent(models.Model):
    """An existing Apec salon or workshop a rencontre can be attached to."""

    class Kind(models.TextChoices):
        SALON = "salon", _("Salon")
        WORKSHOP = "atelier", _("Atelier Apec")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="parent_events")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    starts_on = models.DateField(_("date de début"))
    ends_on = models.DateField(_("date de fin"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("salon ou atelier Apec")
        verbose_name_plural = _("salons et ateliers Apec")

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"


class Series(models.Model):
    """A recurring rencontre, e.g. a monthly cercle de pairs: one row per occurrence points here."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Chaque semaine")
        FORTNIGHTLY = "fortnightly", _("Toutes les deux semaines")
        MONTHLY = "monthly", _("Chaque mois")

    title = models.CharField(_("intitulé"), max_length=200)
    frequency = models.CharField(_("fréquence"), max_length=12, choices=Frequency.choices)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("série de rencontres")
        verbose_name_plural = _("séries de rencontres")

    def __str__(self) -> str:
        return self.title


class Rencontre(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode.choices)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rencontres",
        verbose_name=_("lieu"),
    )
    video_url = models.URLField(_("lien de visio"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity_min = models.PositiveSmallIntegerField(_("participants minimum"), default=2)
    capacity_max = models.PositiveSmallIntegerField(_("participants maximum"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="rencontres", verbose_name=_("thèmes"))
    target_situations = models.JSONField(_("situations visées"), default=list, blank=True)
    target_phases = models.JSONField(_("étapes visées"), default=list, blank=True)
    target_domains = models.ManyToManyField(
        RomeDomaine, blank=True, related_name="+", verbose_name=_("domaines professionnels visés")
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, related_name="rencontres", verbose_name=_("délégation")
    )
    organiser = models.ForeignKey(
        Consultant,
        on_delete=models.PROTECT,
        related_name="organised_rencontres",
        verbose_name=_("organisateur·rice"),
    )
    co_organisers = models.ManyToManyField(
        Consultant,
        blank=True,
        related_name="co_organised_rencontres",
        verbose_name=_("co-organisateur·rices"),
    )
    parent_event = models.ForeignKey(
        ParentEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rencontres",
        verbose_name=_("salon ou atelier Apec"),
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rencontres",
        verbose_name=_("série"),
    )
    visibility = models.CharField(_("visibilité"), max_length=12, choices=Visibility.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True, max_length=1000)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    # iCalendar identity: the UID never changes, SEQUENCE grows with every change sent out.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Seats taken (walk-ins excluded) and the last arrival number handed out; kept in
    # step by the registration services under the rencontre's row lock.
    last_position = models.PositiveIntegerField(default=0, editable=False)
    registered_count = models.PositiveIntegerField(_("inscrit·es"), default=0, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        indexes = [
            models.Index(fields=["delegation", "starts_at"], name="meetings_deleg_start"),
            models.Index(fields=["status", "visibility", "starts_at"], name="meetings_public_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meetings_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_max__gte=models.F("capacity_min")), name="meetings_capacity_order"
            ),
            models.CheckConstraint(
                condition=models.Q(registered_count__lte=models.F("capacity_max")),
                name="meetings_no_overbooking",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        if self.status == Status.CANCELLED:
            return State.CANCELLED
        if self.status == Status.DRAFT:
            return State.DRAFT
        if self.ends_at <= timezone.now():
            return State.PAST
        if self.registered_count >= self.capacity_max:
            return State.FULL
        return State.PUBLISHED

    def get_state_display(self) -> str:
        return str(State(self.state).label)

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity_max - self.registered_count)

    @property
    def is_open_for_registration(self) -> bool:
        return self.status == Status.PUBLISHED and self.starts_at > timezone.now()


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    WAITLISTED = "waitlisted", _("En liste d'attente")
    CANCELLED = "cancelled", _("Désinscrit·e")
    REMOVED = "removed", _("Retiré·e par l'organisation")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Non pointé·e")
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")


class Registration(models.Model):
    """One member's place (or place in line) at one rencontre; one row per pair, reused on re-registration."""

    rencontre = models.ForeignKey(Rencontre, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("état"), max_length=12, choices=RegistrationStatus.choices)
    # Arrival order: a number handed out under the rencontre's row lock, so the
    # waitlist order is the order in which requests were served, whatever the clocks say.
    position = models.PositiveIntegerField(_("ordre d'arrivée"))
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    registered_at = models.DateTimeField(_("inscrit·e le"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("passé·e de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("désinscrit·e le"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    walk_in = models.BooleanField(_("venu·e sans inscription"), default=False)
    checked_in_at = models.DateTimeField(_("pointé·e le"), null=True, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["rencontre", "member"], name="meetings_one_registration_per_member"
            )
        ]
        indexes = [models.Index(fields=["rencontre", "status", "position"], name="meetings_reg_queue")]

    def __str__(self) -> str:
        return f"{self.member} · {self.rencontre}"


class InvitationResponse(models.TextChoices):
    PENDING = "pending", _("Sans réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")


class Invitation(models.Model):
    """A consultant invited a member to a rencontre (possibly organised by someone else)."""

    rencontre = models.ForeignKey(Rencontre, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        Consultant,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invité·e par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    response = models.CharField(
        _("réponse"), max_length=10, choices=InvitationResponse.choices, default=InvitationResponse.PENDING
    )
    responded_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["rencontre", "member"], name="meetings_one_invitation")
        ]
        indexes = [models.Index(fields=["member", "created_at"], name="meetings_invitations_week")]

    def __str__(self) -> str:
        return f"{self.member} → {self.rencontre}"


class CalendarFeed(models.Model):
    """A member's private calendar URL; regenerating the token revokes the old URL."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda privé")
        verbose_name_plural = _("agendas privés")

    def __str__(self) -> str:
        return str(self.member)
