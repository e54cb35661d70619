"""Reads of the onboarding: which invitation an activation link names."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import ActivationInvitation

ACTIVATION_SALT = "pairs.onboarding.activation"
ACTIVATION_MAX_AGE_DAYS = 14

LINK_INVALID = _(
    "Ce lien d'activation n'est pas valide. Vérifiez qu'il est complet ou demandez-en un nouveau."
)
LINK_EXPIRED = _("Ce lien a expiré, demandez-en un nouveau à votre consultant·e.")
LINK_USED = _("Ce lien a déjà servi. Connectez-vous avec votre adresse email pour recevoir un code.")
LINK_SUPERSEDED = _(
    "Ce lien a été remplacé par un lien plus récent : utilisez le dernier email d'invitation reçu."
)


class ActivationRefusedError(Exception):
    """The link cannot activate the account; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def activation_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=ACTIVATION_SALT)


def activation_invitation_from_token(*, token: str, for_update: bool = False) -> ActivationInvitation:
    """The invitation a link names, if it may still be used; ActivationRefusedError says why not."""
    try:
        value = activation_signer().unsign(token, max_age=timedelta(days=ACTIVATION_MAX_AGE_DAYS))
    except signing.SignatureExpired as error:
        raise ActivationRefusedError(str(LINK_EXPIRED)) from error
    except signing.BadSignature as error:
        raise ActivationRefusedError(str(LINK_INVALID)) from error
    member_id, _sep, nonce = value.partition(":")
    invitations = ActivationInvitation.objects.select_related("member__user")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(member_id=member_id, nonce=nonce).first() if member_id.isdigit() else None
    if invitation is None or invitation.member.user is None:
        raise ActivationRefusedError(str(LINK_INVALID))
    if invitation.used_at is not None:
        raise ActivationRefusedError(str(LINK_USED))
    if invitation.superseded_at is not None:
        raise ActivationRefusedError(str(LINK_SUPERSEDED))
    return invitation
