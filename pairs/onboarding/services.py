"""Writes of the onboarding: activation invitations, the first profile, the consents given at sign-up."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.accounts.models import Role, User
from pairs.core.emails import email_enqueue
from pairs.members.models import Member, Phase, Situation
from pairs.members.services import member_create, member_update_profile
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant, consent_revoke
from pairs.reference.models import Departement, RomeMetier

from .models import ActivationInvitation
from .selectors import ACTIVATION_MAX_AGE_DAYS, activation_invitation_from_token, activation_signer

NOT_A_MEMBER = _("Cette adresse email est celle d'un compte de l'équipe Apec, pas d'un membre.")


def _member_user(*, member: Member) -> User:
    """The member's account: theirs, the account already using their email, or a new one."""
    if member.user is not None:
        user = member.user
    else:
        user = User.objects.filter(email=member.email).first()
        if user is not None and user.role != Role.MEMBER:
            raise ValidationError({"email": NOT_A_MEMBER}, code="not_a_member_account")
        if user is not None and Member.objects.filter(user=user).exists():
            raise ValidationError(
                {"email": _("Cette adresse email est déjà celle du compte d'un autre membre.")},
                code="email_taken",
            )
        if user is None:
            # No password (members log in with a code) and inactive until the link is used.
            user = User.objects.create_user(
                email=member.email,
                role=Role.MEMBER,
                first_name=member.first_name,
                last_name=member.last_name,
                is_active=False,
            )
        # Member.user has no service of its own: linking the account is part of inviting.
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    if user.role != Role.MEMBER:  # an account linked before: same refusal
        raise ValidationError({"email": NOT_A_MEMBER}, code="not_a_member_account")
    return user


@transaction.atomic
def activation_invite(*, member: Member, invited_by: User, base_url: str) -> ActivationInvitation:
    """Create (or reuse) the member's account and email them a link valid for 14 days.

    Earlier links of the member stop working. ``base_url`` is the site's address
    ("https://host/"), taken from the consultant's request.
    """
    user = _member_user(member=member)
    now = timezone.now()
    ActivationInvitation.objects.filter(member=member, used_at=None, superseded_at=None).update(
        superseded_at=now
    )
    invitation = ActivationInvitation.objects.create(
        member=member, invited_by=invited_by, nonce=secrets.token_urlsafe(24), created_at=now
    )
    token = activation_signer().sign(f"{member.pk}:{invitation.nonce}")
    link = base_url.rstrip("/") + reverse("onboarding:activate", kwargs={"token": token})
    context = {
        "member": member,
        "user": user,
        "link": link,
        "invited_by": invited_by,
        "max_age_days": ACTIVATION_MAX_AGE_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("onboarding/email/activation_subject.txt", context).strip(),
        body=render_to_string("onboarding/email/activation_message.txt", context),
        to=[member.email],
    )
    message.attach_alternative(
        render_to_string("onboarding/email/activation_message.html", context), "text/html"
    )
    email_enqueue(message=message)
    return invitation


@transaction.atomic
def activation_accept(*, token: str) -> User:
    """Check a link and, when it is good, activate the account with its email verified.

    Raises ActivationRefusedError with the reason (invalid, expired, used, replaced).
    """
    invitation = activation_invitation_from_token(token=token, for_update=True)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    user = invitation.member.user
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    # The email reached its owner: that is what verification proves.
    EmailAddress.objects.filter(user=user).exclude(email=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def member_start(
    *,
    user: User,
    first_name: str,
    last_name: str,
    situation: Situation,
    phase: Phase,
    departement: Departement | None,
    current_job: RomeMetier | None,
) -> Member:
    """The member profile of a person who signed up themself (first profile step).

    A contact imported by a consultant with the same, verified, email is the same
    person: their existing profile is claimed rather than duplicated.
    """
    fields: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "situation": situation,
        "phase": phase,
        "departement": departement,
        "current_job": current_job,
    }
    existing = Member.objects.filter(email=user.email, user=None).first()
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    if existing is not None and verified:
        member = member_update_profile(member=existing, **fields)
        member.user = user
        member.save(update_fields=["user", "updated_at"])
    else:
        member = member_create(email=user.email, user=user, **fields)
    user.first_name, user.last_name = member.first_name, member.last_name
    user.save(update_fields=["first_name", "last_name"])
    return member


@transaction.atomic
def profile_meetings_save(
    *, member: Member, recorded_by: User, consents: Mapping[str, bool], **profile: Any
) -> Member:
    """Last profile step: formats, availability, contact details and the four consents.

    The consents are recorded only when the profile is valid, with the text shown today.
    """
    member = member_update_profile(member=member, **profile)
    for kind in ConsentKind.values:
        record = consent_grant if consents.get(kind, False) else consent_revoke
        record(member=member, kind=kind, source=ConsentSource.SIGNUP, recorded_by=recorded_by)
    return member
