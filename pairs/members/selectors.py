"""Reads on members, scoped to what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from pairs.accounts.models import DELEGATION_ROLES, User

from .models import Member, Topic


def member_list_visible_to(*, viewer: User) -> QuerySet[Member]:
    """Consultants and leads see their delegation's members; national and admin see all."""
    members = Member.objects.select_related("departement", "delegation", "current_job")
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is None:
            return members.none()
        return members.filter(delegation_id=consultant.delegation_id)
    return members


def topic_list_active() -> QuerySet[Topic]:
    """The topics members may choose, in display order."""
    return Topic.objects.filter(is_active=True)
