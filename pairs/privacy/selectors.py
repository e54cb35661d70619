"""Reads on consents and on the profile-access audit trail."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from pairs.members.models import Member

from .models import ConsentKind, ConsentRecord, ProfileAccess


def consent_state(*, member: Member) -> dict[str, bool]:
    """The current state of every kind of consent (never asked: False), in one query."""
    state = dict.fromkeys(ConsentKind.values, False)
    seen: set[str] = set()
    rows = (
        ConsentRecord.objects.filter(member=member)
        .order_by("kind", "-recorded_at", "-id")
        .values_list("kind", "granted")
    )
    for kind, granted in rows:
        if kind not in seen:  # the first row of each kind is its latest
            seen.add(kind)
            state[kind] = granted
    return state


def members_with_consent(*, kind: ConsentKind | str) -> QuerySet[Member]:
    """Members whose latest record for this kind is a grant.

    One correlated subquery per member on the (member, kind, recorded_at)
    index: revoked members and members never asked are left out.
    """
    latest_granted = (
        ConsentRecord.objects.filter(member=OuterRef("pk"), kind=ConsentKind(kind))
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    return Member.objects.alias(consent_granted=Subquery(latest_granted)).filter(consent_granted=True)


def consent_history(*, member: Member) -> QuerySet[ConsentRecord]:
    """Every grant and revocation of the member, the latest first."""
    return (
        ConsentRecord.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )


def profile_access_list(*, member: Member) -> QuerySet[ProfileAccess]:
    """Who viewed, changed, exported or erased the member's profile, the latest first."""
    return ProfileAccess.objects.filter(member=member).select_related("actor").order_by("-at", "-id")
