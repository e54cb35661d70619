"""Reads on consents and on the profile-access audit trail."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pairs.members.models import Member

from .models import ConsentKind, ConsentRecord, Erasure, ProfileAccess


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


def member_is_erased(*, member: Member) -> bool:
    return Erasure.objects.filter(member=member).exists()


def email_fingerprint(*, email: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of the normalised email: comparable, not reversible."""
    normalised = (email or "").strip().lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def erased_email_fingerprint_exists(*, email: str) -> bool:
    """True when a member with this email was erased: an import must get a fresh consent first."""
    return Erasure.objects.filter(email_fingerprint=email_fingerprint(email=email)).exists()


def profile_access_search(
    *, member_email: str = "", actor_email: str = "", action: str = ""
) -> QuerySet[ProfileAccess]:
    """The whole audit trail for the national team, narrowed by the filters given, the latest first."""
    rows = ProfileAccess.objects.select_related("actor", "member").order_by("-at", "-id")
    if member_email:
        rows = rows.filter(member__email__icontains=member_email.strip())
    if actor_email:
        rows = rows.filter(actor__email__icontains=actor_email.strip())
    if action:
        rows = rows.filter(action=action)
    return rows


def last_activity_expression(*, prefix: str = "") -> Coalesce:
    """When the member was last active: their last login, else the last change of their profile.

    ``prefix`` reaches the member from another model ("member__").
    """
    return Coalesce(F(f"{prefix}user__last_login"), F(f"{prefix}updated_at"))
