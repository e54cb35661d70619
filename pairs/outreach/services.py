"""Writes of the public side: sign-ups (double opt-in), unsubscribing, turning a sign-up
into a member invitation, accessibility reports, the spam throttle and the purge."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pairs.accounts.models import User
from pairs.core.emails import email_enqueue
from pairs.members.models import Member, Phase, Situation
from pairs.members.selectors import member_list_visible_to
from pairs.members.services import member_create
from pairs.onboarding.models import ActivationInvitation
from pairs.onboarding.services import activation_invite
from pairs.reference.models import Departement

from .models import WISH_FIELDS, AccessibilityReport, Profile, Signup, SubmissionThrottle
from .selectors import (
    accessibility_team_recipients,
    confirm_signer,
    ip_fingerprint,
    unsubscribe_signer,
)
from .texts import SIGNUP_CONSENT_TEXT, SIGNUP_CONSENT_VERSION

# An unconfirmed sign-up is purged this long after the form was last sent.
UNCONFIRMED_MAX_AGE = timedelta(days=7)
# A sign-up again for the same address sends at most one email per interval.
RESEND_INTERVAL = timedelta(hours=1)
# Confirmed sign-ups are kept 3 years after confirmation (CNIL's usual period for prospects).
CONFIRMED_MAX_AGE = timedelta(days=3 * 365)
ACCESSIBILITY_REPORT_MAX_AGE = timedelta(days=2 * 365)

# Per-IP limit of the public forms: submissions within the window.
THROTTLE_WINDOW = timedelta(minutes=10)
THROTTLE_LIMITS = {"signup": 10, "accessibility": 5}

# The member situation a sign-up's profile becomes when invited; the others cannot be members.
PROFILE_SITUATIONS = {
    Profile.CADRE_EMPLOYED: Situation.EMPLOYED,
    Profile.CADRE_SEEKING: Situation.JOB_SEEKER,
    Profile.GRADUATE: Situation.GRADUATE,
    Profile.RECRUITER: Situation.RECRUITER,
}

NOT_CONFIRMED = _("Cette personne n'a pas encore confirmé son adresse email : elle ne peut pas être invitée.")
NOT_A_MEMBER_PROFILE = _(
    "Les consultant·es Apec et les partenaires ne deviennent pas membres : prenez contact avec "
    "cette personne directement."
)
ALREADY_ACTIVE = _("Cette personne a déjà un compte de membre actif : aucune invitation n'est nécessaire.")
MEMBER_ELSEWHERE = _(
    "Cette adresse email est déjà celle d'un membre suivi par une autre délégation : "
    "adressez-vous à l'équipe nationale."
)


def email_normalise(email: str) -> str:
    return email.strip().lower()


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def signup_links(*, signup: Signup, base_url: str) -> dict[str, str]:
    payload = f"{signup.pk}:{signup.nonce}"
    return {
        "confirm_url": _absolute(
            base_url, reverse("outreach:signup_confirm", kwargs={"token": confirm_signer().sign(payload)})
        ),
        "unsubscribe_url": _absolute(
            base_url,
            reverse("outreach:signup_unsubscribe", kwargs={"token": unsubscribe_signer().sign(payload)}),
        ),
    }


def _signup_message(*, signup: Signup, template: str, base_url: str) -> EmailMultiAlternatives:
    """A French email to the person, HTML and plain text, with the unsubscribe link in both
    and in the List-Unsubscribe headers (one click from the mail client, RFC 8058)."""
    links = signup_links(signup=signup, base_url=base_url)
    context = {"signup": signup, "site_url": base_url.rstrip("/"), "max_age_days": 7, **links}
    with translation.override("fr"):
        subject = render_to_string(f"outreach/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"outreach/email/{template}_message.txt", context)
        html = render_to_string(f"outreach/email/{template}_message.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[signup.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _signup_email_send(*, signup: Signup, template: str, base_url: str, now: datetime) -> None:
    # Same transaction as the row: rolled back together.
    email_enqueue(message=_signup_message(signup=signup, template=template, base_url=base_url))
    signup.last_email_at = now
    signup.save(update_fields=["last_email_at"])


def _may_email_again(signup: Signup, now: datetime) -> bool:
    return signup.last_email_at is None or signup.last_email_at <= now - RESEND_INTERVAL


@dataclass(frozen=True)
class SignupOutcome:
    """What happened, for tests and logs; the visitor sees the same page whatever it is."""

    signup: Signup
    created: bool
    email_sent: bool


def _signup_fields(
    *,
    first_name: str,
    last_name: str,
    profile: str,
    departement: Departement,
    wishes: Iterable[str],
    message: str,
    now: datetime,
) -> dict[str, Any]:
    chosen = set(wishes)
    return {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "profile": Profile(profile),
        "departement": departement,
        **{field: wish in chosen for wish, field in WISH_FIELDS.items()},
        "message": message.strip(),
        "consent_text": SIGNUP_CONSENT_TEXT,
        "consent_version": SIGNUP_CONSENT_VERSION,
        "consent_at": now,
        "submitted_at": now,
    }


@transaction.atomic
def signup_submit(
    *,
    first_name: str,
    last_name: str,
    email: str,
    profile: str,
    departement: Departement,
    wishes: Iterable[str],
    message: str,
    base_url: str,
    now: datetime | None = None,
) -> SignupOutcome:
    """Store a sign-up as unconfirmed and email the confirmation link.

    The same address again never tells the visitor whether it was known:
    - unconfirmed: the answers are replaced by the latest ones, and the link is
      sent again unless an email went out less than RESEND_INTERVAL ago;
    - confirmed: nothing is changed (the owner did not confirm this submission),
      and a short "you are already registered" email goes out, once per interval.
    """
    now = now or timezone.now()
    email = email_normalise(email)
    fields = _signup_fields(
        first_name=first_name,
        last_name=last_name,
        profile=profile,
        departement=departement,
        wishes=wishes,
        message=message,
        now=now,
    )
    existing = Signup.objects.select_for_update().filter(email=email).first()
    if existing is None:
        signup = Signup(email=email, created_at=now, nonce=secrets.token_urlsafe(24), **fields)
        signup.full_clean()
        try:
            with transaction.atomic():
                signup.save()
        except IntegrityError:
            # The same address sent twice at once: the other request stored it.
            existing = Signup.objects.select_for_update().get(email=email)
        else:
            _signup_email_send(signup=signup, template="confirm", base_url=base_url, now=now)
            return SignupOutcome(signup=signup, created=True, email_sent=True)
    if existing.confirmed_at is None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.full_clean()
        existing.save()
        template = "confirm"
    else:
        template = "already_confirmed"
    if not _may_email_again(existing, now):
        return SignupOutcome(signup=existing, created=False, email_sent=False)
    _signup_email_send(signup=existing, template=template, base_url=base_url, now=now)
    return SignupOutcome(signup=existing, created=False, email_sent=True)


@transaction.atomic
def signup_confirm(*, signup: Signup, now: datetime | None = None) -> bool:
    """Confirm the address; False when it was confirmed already (nothing changes)."""
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.confirmed_at is not None:
        return False
    signup.confirmed_at = now or timezone.now()
    signup.save(update_fields=["confirmed_at"])
    return True


@transaction.atomic
def signup_unsubscribe(*, signup: Signup, now: datetime | None = None) -> bool:
    """Stop every email to the sign-up and empty what identifies the person.

    False when it was done already. The profile, département, wishes and dates
    stay for counts (they name nobody) until the purge removes the row.
    """
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.unsubscribed_at is not None:
        return False
    signup.unsubscribed_at = now or timezone.now()
    signup.first_name = ""
    signup.last_name = ""
    signup.email = ""
    signup.message = ""
    signup.save(update_fields=["unsubscribed_at", "first_name", "last_name", "email", "message"])
    return True


@transaction.atomic
def signup_invite_as_member(
    *, signup: Signup, invited_by: User, base_url: str, now: datetime | None = None
) -> ActivationInvitation:
    """Turn a confirmed sign-up into a member invitation: the member profile (created, or the
    existing one with this email), then onboarding's activation email. Recorded on the sign-up.

    The phase of the transition is not asked on the public form: the new member starts at
    "préparation" and corrects it in the first profile step.
    """
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if signup.confirmed_at is None or signup.unsubscribed_at is not None:
        raise ValidationError(NOT_CONFIRMED, code="not_confirmed")
    situation = PROFILE_SITUATIONS.get(Profile(signup.profile))
    if situation is None:
        raise ValidationError(NOT_A_MEMBER_PROFILE, code="not_a_member_profile")
    member = Member.objects.filter(email=signup.email).select_related("user").first()
    if member is not None:
        if member.user is not None and member.user.is_active:
            raise ValidationError(ALREADY_ACTIVE, code="already_active")
        if not member_list_visible_to(viewer=invited_by).filter(pk=member.pk).exists():
            raise ValidationError(MEMBER_ELSEWHERE, code="member_elsewhere")
    else:
        member = member_create(
            first_name=signup.first_name,
            last_name=signup.last_name,
            email=signup.email,
            situation=situation,
            phase=Phase.PREPARATION,
            departement=signup.departement,
        )
    invitation = activation_invite(member=member, invited_by=invited_by, base_url=base_url)
    signup.invited_member = member
    signup.invited_at = now or timezone.now()
    signup.invited_by = invited_by
    signup.save(update_fields=["invited_member", "invited_at", "invited_by"])
    return invitation


# --- Accessibility reports ---


@transaction.atomic
def accessibility_report_create(
    *, description: str, page_url: str = "", name: str = "", email: str = ""
) -> AccessibilityReport:
    """Store the report and email it to the national team (the reporter's address as Reply-To)."""
    report = AccessibilityReport(
        description=description.strip(),
        page_url=page_url.strip(),
        name=name.strip(),
        email=email_normalise(email),
    )
    report.full_clean()
    report.save()
    recipients = accessibility_team_recipients()
    if recipients:
        context = {"report": report, "site_url": getattr(settings, "SITE_URL", "")}
        with translation.override("fr"):
            subject = render_to_string("outreach/email/accessibility_report_subject.txt", context).strip()
            text = render_to_string("outreach/email/accessibility_report_message.txt", context)
            html = render_to_string("outreach/email/accessibility_report_message.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=recipients,
            headers={"Reply-To": report.email} if report.email else {},
        )
        message.attach_alternative(html, "text/html")
        email_enqueue(message=message)
    return report


# --- Spam throttle ---


def submission_allow(*, scope: str, ip: str, now: datetime | None = None) -> bool:
    """Count one submission of a public form from this IP; False when over the limit.

    Stored in the database so that every web worker shares the count; only a
    keyed hash of the IP is stored. Refused submissions are not counted, so a
    flood does not extend its own ban beyond the window.
    """
    now = now or timezone.now()
    fingerprint = ip_fingerprint(ip=ip, scope=scope)
    recent = SubmissionThrottle.objects.filter(scope=scope, ip_hash=fingerprint, at__gt=now - THROTTLE_WINDOW)
    if recent.count() >= THROTTLE_LIMITS[scope]:
        return False
    SubmissionThrottle.objects.create(scope=scope, ip_hash=fingerprint, at=now)
    return True


# --- Purge (daily) ---


@dataclass
class PurgeResult:
    unconfirmed: int = 0
    expired: int = 0
    reports: int = 0
    throttle: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "unconfirmed": self.unconfirmed,
            "expired": self.expired,
            "reports": self.reports,
            "throttle": self.throttle,
        }


@transaction.atomic
def outreach_purge_run(*, now: datetime | None = None) -> PurgeResult:
    """Delete what the privacy policy says we do not keep; safe to run as often as wanted.

    - sign-ups left unconfirmed 7 days after the form was last sent;
    - confirmed (or unsubscribed) sign-ups 3 years after they were made or confirmed;
    - accessibility reports 2 years after they were received;
    - spam-throttle rows once their window is over.
    """
    now = now or timezone.now()
    result = PurgeResult()
    result.unconfirmed, _unused = Signup.objects.filter(
        confirmed_at=None, submitted_at__lt=now - UNCONFIRMED_MAX_AGE
    ).delete()
    cutoff = now - CONFIRMED_MAX_AGE
    expired = Signup.objects.filter(confirmed_at__lt=cutoff) | Signup.objects.filter(
        confirmed_at=None, created_at__lt=cutoff
    )
    result.expired, _unused = expired.delete()
    result.reports, _unused = AccessibilityReport.objects.filter(
        created_at__lt=now - ACCESSIBILITY_REPORT_MAX_AGE
    ).delete()
    result.throttle, _unused = SubmissionThrottle.objects.filter(at__lt=now - THROTTLE_WINDOW).delete()
    return result
