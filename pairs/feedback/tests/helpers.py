"""Builders for the after-the-rencontre tests: a past rencontre, attendees with accounts, consents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from pairs.accounts.models import Role
from pairs.meetings.models import Attendance, Registration, Rencontre
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant, consent_revoke
from tests.factories import MemberFactory, UserFactory
from tests.factories_meetings import RegistrationFactory, RencontreFactory
from tests.fixtures import World


def past_rencontre(world: World, *, ended: timedelta = timedelta(hours=2), **kwargs: Any) -> Rencontre:
    """A published rencontre of the home delegation that ended ``ended`` ago."""
    ends = timezone.now() - ended
    values: dict[str, Any] = {
        "organiser": world.consultant_same.consultant,
        "starts_at": ends - timedelta(hours=2),
        "ends_at": ends,
        "capacity_max": 30,
    }
    values.update(kwargs)
    return RencontreFactory(**values)


def attendee(
    *,
    consents: tuple[str, ...] = (
        ConsentKind.RENCONTRE_EMAILS,
        ConsentKind.CONTACT_SHARING,
        ConsentKind.STATISTICS,
    ),
    **kwargs: Any,
) -> Member:
    """A member with an account (needed to grant consent (b) themself) and the given consents."""
    user = UserFactory(role=Role.MEMBER)
    member = MemberFactory(user=user, email=user.email, **kwargs)
    for kind in consents:
        consent_grant(member=member, kind=kind, source=ConsentSource.PROFILE, recorded_by=user)
    return member


def revoke(member: Member, kind: str) -> None:
    consent_revoke(member=member, kind=kind, source=ConsentSource.PROFILE, recorded_by=member.user)


def attend(rencontre: Rencontre, member: Member, attendance: str = Attendance.PRESENT) -> Registration:
    checked: datetime | None = rencontre.starts_at if attendance != Attendance.UNKNOWN else None
    return RegistrationFactory(
        rencontre=rencontre, member=member, attendance=attendance, checked_in_at=checked
    )
