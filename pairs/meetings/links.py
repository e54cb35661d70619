"""Signed links that work without logging in (invitation answers), and absolute URLs."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from pairs.core.links import site_url

from .models import Invitation, Rencontre

INVITATION_SALT = "pairs.meetings.invitation"
# An invitation answer stays possible until the rencontre starts, and at most this long.
INVITATION_MAX_AGE = 60 * 60 * 24 * 60  # 60 days


def rencontre_link(rencontre: Rencontre) -> str:
    return f"{site_url()}{reverse('meetings:detail', kwargs={'rencontre_id': rencontre.pk})}"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "m": invitation.member_id}, salt=INVITATION_SALT, compress=True)


def invitation_link(invitation: Invitation, *, answer: str) -> str:
    path = reverse(
        "meetings:invitation_answer", kwargs={"token": invitation_token(invitation), "answer": answer}
    )
    return f"{site_url()}{path}"


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a token names, or None if the token is forged, expired or stale."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("rencontre", "member", "invited_by__user")
        .filter(pk=data.get("i"), member_id=data.get("m"))
        .first()
    )
    return invitation
