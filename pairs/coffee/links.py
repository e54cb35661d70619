"""Signed links of the introduction email: « nous nous sommes rencontré·es » without logging in."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from pairs.core.links import site_url

from .models import CoffeeParticipant

ANSWER_SALT = "pairs.coffee.answer"
ANSWER_MAX_AGE = 60 * 60 * 24 * 120  # a pairing is monthly; answers stay possible four months
ANSWERS = ("met", "not_met")


def answer_token(participant: CoffeeParticipant) -> str:
    return signing.dumps({"p": participant.pk, "m": participant.member_id}, salt=ANSWER_SALT, compress=True)


def answer_link(participant: CoffeeParticipant, *, answer: str) -> str:
    path = reverse("coffee:answer", kwargs={"token": answer_token(participant), "answer": answer})
    return f"{site_url()}{path}"


def home_link() -> str:
    return f"{site_url()}{reverse('coffee:home')}"


def participant_from_token(token: str) -> CoffeeParticipant | None:
    """The participation a token names, or None when forged, expired or stale."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        CoffeeParticipant.objects.select_related("member", "pairing__round")
        .filter(pk=data.get("p"), member_id=data.get("m"))
        .first()
    )
