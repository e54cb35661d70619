"""Writes on consents and on the profile-access audit trail.

Both are append-only: these services add rows, nothing here updates or deletes one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pairs.accounts.models import User
from pairs.members.models import Member

from .models import (
    MEMBER_ONLY_GRANT_KINDS,
    ConsentKind,
    ConsentRecord,
    ConsentSource,
    ProfileAccess,
    ProfileAction,
)
from .texts import consent_wording_current


@transaction.atomic
def consent_record(
    *,
    member: Member,
    kind: ConsentKind | str,
    granted: bool,
    source: ConsentSource | str,
    recorded_by: User | None = None,
) -> ConsentRecord:
    """Record a grant or a revocation, with the text shown today.

    When the state would not change, nothing is written and the latest row is
    returned. ``recorded_by`` is who did it: the member's own account, or a
    consultant on the member's behalf. Only the member may grant the kinds in
    ``MEMBER_ONLY_GRANT_KINDS`` (anyone entitled to act for the member may revoke).
    """
    kind = ConsentKind(kind)
    source = ConsentSource(source)
    if (
        granted
        and kind in MEMBER_ONLY_GRANT_KINDS
        and (recorded_by is None or member.user_id is None or recorded_by.pk != member.user_id)
    ):
        raise PermissionDenied(f"Only the member may grant the consent {kind.value!r}.")
    # Lock the member row so that two concurrent requests for the same member
    # are serialised: the second one sees the first one's row and does nothing.
    Member.objects.select_for_update().only("pk").get(pk=member.pk)
    latest = ConsentRecord.objects.filter(member=member, kind=kind).order_by("-recorded_at", "-id").first()
    if latest is not None and latest.granted == granted:
        return latest
    # A first answer of "no" is written too: it records that the person was
    # asked and refused, with the text they saw.
    record = ConsentRecord(
        member=member,
        kind=kind,
        granted=granted,
        wording=consent_wording_current(kind=kind),
        recorded_by=recorded_by,
        source=source,
    )
    record.full_clean()
    record.save()
    return record


def consent_grant(
    *, member: Member, kind: ConsentKind | str, source: ConsentSource | str, recorded_by: User | None = None
) -> ConsentRecord:
    return consent_record(member=member, kind=kind, granted=True, source=source, recorded_by=recorded_by)


def consent_revoke(
    *, member: Member, kind: ConsentKind | str, source: ConsentSource | str, recorded_by: User | None = None
) -> ConsentRecord:
    return consent_record(member=member, kind=kind, granted=False, source=source, recorded_by=recorded_by)


@transaction.atomic
def profile_access_record(
    *, actor: User, member: Member, action: ProfileAction | str, detail: str = ""
) -> ProfileAccess:
    access = ProfileAccess(actor=actor, member=member, action=ProfileAction(action), detail=detail)
    access.full_clean()
    access.save()
    return access
