"""Reads on members, scoped to what the viewer may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from pairs.accounts.models import DELEGATION_ROLES, User

from .models import Member, Topic


def member_list_visible_to(*, viewer: User) -> QuerySet[Member]:
    """Consultants and leads see their delegation's members and their own contacts
    (who may live elsewhere); national team and admin see everyone."""
    members = Member.objects.select_related("departement", "delegation", "current_job")
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is None:
            return members.none()
        # Contact lives in the contacts app, which depends on this one: reach it
        # through the reverse relation rather than an import.
        contact_model = Member._meta.get_field("contacts").related_model
        own_contact = Exists(contact_model.objects.filter(member=OuterRef("pk"), consultant=consultant))
        return members.filter(Q(delegation_id=consultant.delegation_id) | own_contact)
    return members


def topic_list_active() -> QuerySet[Topic]:
    """The topics members may choose, in display order."""
    return Topic.objects.filter(is_active=True)
