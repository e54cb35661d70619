"""Reads of the public side, scoped to what the viewer may see."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pairs.accounts.models import DELEGATION_ROLES, Role, User

from .models import WISH_FIELDS, Signup

CONFIRM_SALT = "pairs.outreach.confirm"
UNSUBSCRIBE_SALT = "pairs.outreach.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)

CONFIRM_INVALID = _("Ce lien de confirmation n'est pas valide. Vérifiez qu'il est complet.")
CONFIRM_EXPIRED = _(
    "Ce lien de confirmation a expiré (il était valable 7 jours) : remplissez à nouveau le formulaire "
    "« Restons en contact » pour en recevoir un nouveau."
)
UNSUBSCRIBE_INVALID = _("Ce lien de désinscription n'est pas valide. Vérifiez qu'il est complet.")


class LinkRefusedError(Exception):
    """The link cannot be used; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def confirm_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRM_SALT)


def unsubscribe_signer() -> signing.Signer:
    # No expiry: an unsubscribe link in an old email must still work.
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


def _signup_named(value: str, *, for_update: bool) -> Signup | None:
    signup_id, _sep, nonce = value.partition(":")
    if not signup_id.isdigit() or not nonce:
        return None
    signups = Signup.objects.select_related("departement")
    if for_update:
        signups = signups.select_for_update()
    return signups.filter(pk=int(signup_id), nonce=nonce).first()


def signup_from_confirm_token(*, token: str, for_update: bool = False) -> Signup:
    try:
        value = confirm_signer().unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkRefusedError(str(CONFIRM_EXPIRED)) from error
    except signing.BadSignature as error:
        raise LinkRefusedError(str(CONFIRM_INVALID)) from error
    signup = _signup_named(value, for_update=for_update)
    if signup is None:
        # Purged (expired unconfirmed entry) or never existed.
        raise LinkRefusedError(str(CONFIRM_EXPIRED))
    if signup.unsubscribed_at is not None:
        raise LinkRefusedError(str(CONFIRM_INVALID))
    return signup


def signup_from_unsubscribe_token(*, token: str, for_update: bool = False) -> Signup:
    try:
        value = unsubscribe_signer().unsign(token)
    except signing.BadSignature as error:
        raise LinkRefusedError(str(UNSUBSCRIBE_INVALID)) from error
    signup = _signup_named(value, for_update=for_update)
    if signup is None:
        raise LinkRefusedError(str(UNSUBSCRIBE_INVALID))
    return signup


def ip_fingerprint(*, ip: str, scope: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of the address: counts, never stores, the IP."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{ip}".encode(), hashlib.sha256).hexdigest()


def signup_list_visible_to(*, viewer: User) -> QuerySet[Signup]:
    """Live sign-ups (not unsubscribed) the viewer may see: consultants and leads those of
    their delegation's départements, the national team and administrators all of them."""
    signups = Signup.objects.filter(unsubscribed_at=None).select_related(
        "departement", "invited_member", "invited_by"
    )
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is None:
            return signups.none()
        return signups.filter(departement__region__delegations=consultant.delegation_id)
    if viewer.role in (Role.NATIONAL, Role.ADMIN):
        return signups
    return signups.none()


@dataclass(frozen=True)
class SignupFilters:
    profile: str = ""
    wish: str = ""
    departement: str = ""  # INSEE code
    delegation: str = ""  # delegation code
    status: str = ""  # "confirmed", "unconfirmed" or "" (both)


def signup_search(*, viewer: User, filters: SignupFilters) -> QuerySet[Signup]:
    signups = signup_list_visible_to(viewer=viewer)
    if filters.profile:
        signups = signups.filter(profile=filters.profile)
    if filters.wish in WISH_FIELDS:
        signups = signups.filter(**{WISH_FIELDS[filters.wish]: True})  # type: ignore[index]
    if filters.departement:
        signups = signups.filter(departement_id=filters.departement)
    if filters.delegation:
        signups = signups.filter(departement__region__delegations__code=filters.delegation)
    if filters.status == "confirmed":
        signups = signups.exclude(confirmed_at=None)
    elif filters.status == "unconfirmed":
        signups = signups.filter(confirmed_at=None)
    # A département belongs to one delegation, but the join could repeat a row: keep each once.
    return signups.distinct().order_by("-created_at", "-id")


def accessibility_team_recipients() -> list[str]:
    """Who receives accessibility reports: the national team's active accounts."""
    return list(
        User.objects.filter(role=Role.NATIONAL, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
