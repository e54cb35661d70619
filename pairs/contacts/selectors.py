"""Reads on contacts and notes, scoped to what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from pairs.accounts.models import DELEGATION_ROLES, User
from pairs.members.models import Member
from pairs.network.models import Consultant

from .models import ConsultantNote, Contact


def consultant_of(*, user: User) -> Consultant | None:
    """The Consultant row of a consultant or a lead; None for other roles."""
    if user.role not in DELEGATION_ROLES:
        return None
    return getattr(user, "consultant", None)


def contact_list_for(*, consultant: Consultant) -> QuerySet[Contact]:
    """The consultant's contacts, the latest added first."""
    return (
        Contact.objects.filter(consultant=consultant)
        .select_related("member__departement", "member__delegation", "member__current_job")
        .order_by("-added_at", "-id")
    )


def contact_list_visible_to(*, viewer: User) -> QuerySet[Contact]:
    """Consultants and leads: their own contacts. National team and admin: every
    contact, to read (who follows whom); nobody else: none."""
    if viewer.role in DELEGATION_ROLES:
        consultant = consultant_of(user=viewer)
        return contact_list_for(consultant=consultant) if consultant else Contact.objects.none()
    if viewer.is_staff_role:
        return Contact.objects.select_related(
            "member__departement", "member__delegation", "member__current_job", "consultant__user"
        ).order_by("-added_at", "-id")
    return Contact.objects.none()


def contact_get(*, consultant: Consultant, member: Member) -> Contact | None:
    return Contact.objects.filter(consultant=consultant, member=member).first()


def consultants_of(*, member: Member) -> QuerySet[Contact]:
    """Who follows the member: one Contact per consultant, with since when and on what basis."""
    return (
        Contact.objects.filter(member=member)
        .select_related("consultant__user", "consultant__delegation")
        .order_by("added_at", "id")
    )


def note_list_for(*, member: Member, viewer: User) -> QuerySet[ConsultantNote]:
    """The viewer's own notes on the member, the latest first. Notes are private to
    their author: anyone else, whatever their role, gets none."""
    consultant = consultant_of(user=viewer)
    if consultant is None:
        return ConsultantNote.objects.none()
    return ConsultantNote.objects.filter(member=member, author=consultant).order_by("-created_at", "-id")


def note_get_own(*, note_id: int, member: Member, viewer: User) -> ConsultantNote | None:
    """One of the viewer's own notes on the member, or None (others' notes do not exist for them)."""
    return note_list_for(member=member, viewer=viewer).filter(pk=note_id).first()
