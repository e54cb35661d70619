"""Reads about rencontres: who sees which, who manages which, the lists people use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from pairs.accounts.models import DELEGATION_ROLES, Role, User
from pairs.members.models import Member
from pairs.network.models import Consultant

from .models import (
    Attendance,
    Invitation,
    Registration,
    RegistrationStatus,
    Rencontre,
    Status,
    Visibility,
)


def _base() -> QuerySet[Rencontre]:
    return Rencontre.objects.select_related("delegation", "place", "organiser__user")


def rencontre_list_visible_to(*, viewer: User | None) -> QuerySet[Rencontre]:
    """Everything the viewer may open.

    Anonymous: published public rencontres. Members: published rencontres that
    are public, open to their delegation, or to which they were invited or are
    registered. Consultants and leads: everything of their delegation (drafts
    included), whatever they co-organise, and every published rencontre of any
    delegation — they may invite their contacts to any of them. National team
    and administrators: everything.
    """
    rencontres = _base()
    published = Q(status__in=[Status.PUBLISHED, Status.CANCELLED])
    if viewer is None or not viewer.is_authenticated:
        return rencontres.filter(published, visibility=Visibility.PUBLIC)
    if viewer.role == Role.MEMBER:
        member = Member.objects.filter(user=viewer).first()
        if member is None:
            return rencontres.filter(published, visibility=Visibility.PUBLIC)
        mine = Q(pk__in=Invitation.objects.filter(member=member).values("rencontre_id")) | Q(
            pk__in=Registration.objects.filter(member=member).values("rencontre_id")
        )
        open_to_me = Q(visibility=Visibility.PUBLIC) | Q(
            visibility=Visibility.DELEGATION, delegation_id=member.delegation_id
        )
        return rencontres.filter(published & (open_to_me | mine))
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is None:
            return rencontres.none()
        return rencontres.filter(
            published
            | Q(delegation_id=consultant.delegation_id)
            | Q(organiser=consultant)
            | Q(
                pk__in=Rencontre.co_organisers.through.objects.filter(consultant=consultant).values(
                    "rencontre_id"
                )
            )
        )
    return rencontres


def rencontre_can_manage(*, viewer: User, rencontre: Rencontre) -> bool:
    """Organiser, co-organisers, the delegation's lead, the national team and administrators."""
    if viewer.role in (Role.NATIONAL, Role.ADMIN):
        return True
    consultant: Consultant | None = getattr(viewer, "consultant", None)
    if consultant is None or viewer.role not in DELEGATION_ROLES:
        return False
    if rencontre.organiser_id == consultant.pk:
        return True
    if viewer.role == Role.DELEGATION_LEAD and rencontre.delegation_id == consultant.delegation_id:
        return True
    return rencontre.co_organisers.filter(pk=consultant.pk).exists()


def rencontre_get_managed(*, viewer: User, rencontre_id: int) -> Rencontre:
    """The rencontre, for its organising team: 404 if the viewer may not see it, 403 if they may not run it."""
    rencontre = get_object_or_404(rencontre_list_visible_to(viewer=viewer), pk=rencontre_id)
    if not rencontre_can_manage(viewer=viewer, rencontre=rencontre):
        raise PermissionDenied(_("Seule l'équipe organisatrice de cette rencontre peut faire cela."))
    return rencontre


def registrations_of(*, rencontre: Rencontre) -> dict[str, list[Registration]]:
    """Registered (seat order), waitlisted (line order), and those who left."""
    rows = rencontre.registrations.select_related("member", "member__departement").order_by("position")
    lists: dict[str, list[Registration]] = {"registered": [], "waitlisted": [], "left": []}
    for row in rows:
        if row.status == RegistrationStatus.REGISTERED:
            lists["registered"].append(row)
        elif row.status == RegistrationStatus.WAITLISTED:
            lists["waitlisted"].append(row)
        else:
            lists["left"].append(row)
    return lists


@dataclass(frozen=True)
class MemberRencontres:
    upcoming: list[Registration]
    waitlisted: list[Registration]
    past: list[Registration]
    invitations: list[Invitation]


def member_rencontres(*, member: Member, now: datetime | None = None) -> MemberRencontres:
    """A member's "Mes rencontres": coming, waiting, past (attended or not), and open invitations."""
    now = now or timezone.now()
    rows = list(
        Registration.objects.filter(member=member)
        .select_related("rencontre", "rencontre__place", "rencontre__delegation")
        .order_by("rencontre__starts_at")
    )
    upcoming = [
        r
        for r in rows
        if r.status == RegistrationStatus.REGISTERED
        and r.rencontre.ends_at > now
        and r.rencontre.status != Status.CANCELLED
    ]
    waitlisted = [
        r for r in rows if r.status == RegistrationStatus.WAITLISTED and r.rencontre.starts_at > now
    ]
    past = [
        r for r in reversed(rows) if r.status == RegistrationStatus.REGISTERED and r.rencontre.ends_at <= now
    ]
    invitations = list(
        Invitation.objects.filter(
            member=member,
            response="pending",
            rencontre__status=Status.PUBLISHED,
            rencontre__starts_at__gt=now,
        )
        .exclude(rencontre_id__in=[r.rencontre_id for r in upcoming + waitlisted])
        .select_related("rencontre", "invited_by__user")
    )
    return MemberRencontres(upcoming=upcoming, waitlisted=waitlisted, past=past, invitations=invitations)


def rencontre_list_with_rates(*, rencontres: QuerySet[Rencontre]) -> QuerySet[Rencontre]:
    """Annotate fill (seats taken / capacity) and attendance (present / registered, once checked in)."""
    registered = Q(registrations__status=RegistrationStatus.REGISTERED)
    return rencontres.annotate(
        present_count=Count(
            "registrations", filter=registered & Q(registrations__attendance=Attendance.PRESENT)
        ),
        absent_count=Count(
            "registrations", filter=registered & Q(registrations__attendance=Attendance.ABSENT)
        ),
        waitlist_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )


def consultant_rencontre_list(*, consultant: Consultant) -> QuerySet[Rencontre]:
    """What a consultant organises or co-organises, with fill and attendance counts."""
    co = Rencontre.co_organisers.through.objects.filter(consultant=consultant, rencontre_id=OuterRef("pk"))
    return rencontre_list_with_rates(
        rencontres=_base().filter(Q(organiser=consultant) | Exists(co)).order_by("-starts_at")
    )


def rencontre_list_open_to_member(*, member: Member, now: datetime | None = None) -> QuerySet[Rencontre]:
    """Upcoming published rencontres a member may register for (public or of their delegation)."""
    now = now or timezone.now()
    return _base().filter(
        Q(visibility=Visibility.PUBLIC)
        | Q(visibility=Visibility.DELEGATION, delegation_id=member.delegation_id),
        status=Status.PUBLISHED,
        starts_at__gt=now,
    )


def member_for_user(*, user: User) -> Member | None:
    if not user.is_authenticated or user.role != Role.MEMBER:
        return None
    return Member.objects.filter(user=user).select_related("delegation").first()
