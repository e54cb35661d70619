"""Signed links that work without logging in: the feedback form and the outcome survey.

A token names a row and its member; it is signed with a salt of its own (a
feedback token cannot open a survey, nor an invitation) and has a maximum age.
Whether the link may still *record* something is decided by the services
(attendance, editing window), not by the token.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from pairs.core.links import site_url
from pairs.meetings.models import Registration

from .models import OutcomeSurvey

FEEDBACK_SALT = "pairs.feedback.answer"
OUTCOME_SALT = "pairs.feedback.outcome"
# A feedback link opens for a month after it was sent; an answer stays editable 7 days (services).
FEEDBACK_LINK_MAX_AGE = 60 * 60 * 24 * 30
OUTCOME_LINK_MAX_AGE = 60 * 60 * 24 * 60


def absolute(path: str) -> str:
    return f"{site_url()}{path}"


def feedback_token(registration: Registration) -> str:
    return signing.dumps(
        {"r": registration.pk, "m": registration.member_id}, salt=FEEDBACK_SALT, compress=True
    )


def feedback_link(registration: Registration) -> str:
    return absolute(reverse("feedback:answer", kwargs={"token": feedback_token(registration)}))


@dataclass(frozen=True)
class TokenResult:
    """What a token opened: the row, or why not (``expired`` or ``invalid``)."""

    registration: Registration | None = None
    survey: OutcomeSurvey | None = None
    problem: str = ""


def registration_from_token(token: str) -> TokenResult:
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return TokenResult(problem="expired")
    except signing.BadSignature:
        return TokenResult(problem="invalid")
    registration = (
        Registration.objects.select_related("rencontre", "rencontre__place", "member")
        .filter(pk=data.get("r"), member_id=data.get("m"))
        .first()
    )
    if registration is None:
        return TokenResult(problem="invalid")
    return TokenResult(registration=registration)


def outcome_token(survey: OutcomeSurvey) -> str:
    return signing.dumps({"s": survey.pk, "m": survey.member_id}, salt=OUTCOME_SALT, compress=True)


def outcome_link(survey: OutcomeSurvey) -> str:
    return absolute(reverse("feedback:outcome", kwargs={"token": outcome_token(survey)}))


def survey_from_token(token: str) -> TokenResult:
    try:
        data = signing.loads(token, salt=OUTCOME_SALT, max_age=OUTCOME_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return TokenResult(problem="expired")
    except signing.BadSignature:
        return TokenResult(problem="invalid")
    survey = (
        OutcomeSurvey.objects.select_related("member", "first_rencontre")
        .filter(pk=data.get("s"), member_id=data.get("m"))
        .first()
    )
    if survey is None:
        return TokenResult(problem="invalid")
    return TokenResult(survey=survey)
