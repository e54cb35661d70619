"""Small builders for the rencontres tests (the lead's; the list/day tests have their factories)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from django.utils import timezone
from icalendar import Calendar

from pairs.meetings.models import Mode, Rencontre, Visibility
from pairs.meetings.services import RencontreData, rencontre_create
from pairs.members.models import Member
from pairs.network.models import Consultant, Place
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant
from tests.factories import MemberFactory


def place_in(delegation: Any, name: str = "Centre Apec Paris Opéra") -> Place:
    return Place.objects.create(
        name=name,
        kind="apec_centre",
        address="1 rue de l'Exemple",
        postcode="75009",
        city="Paris",
        delegation=delegation,
    )


def data(**overrides: Any) -> RencontreData:
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    values: dict[str, Any] = {
        "title": "Cercle de pairs : préparer sa reconversion",
        "description": "Un échange entre cadres qui préparent une reconversion.",
        "format": "cercle",
        "mode": Mode.VIDEO,
        "video_url": "https://visio.exemple.fr/cercle",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity_min": 1,
        "capacity_max": 20,
        "visibility": Visibility.DELEGATION,
    }
    values.update(overrides)
    return RencontreData(**values)


def published(organiser: Consultant, **overrides: Any) -> Rencontre:
    return rencontre_create(organiser=organiser, data=data(**overrides), publish=True)


def members(count: int, *, delegation: Any = None, emails_consent: bool = True) -> list[Member]:
    made = MemberFactory.create_batch(count, delegation=delegation)
    if emails_consent:
        for member in made:
            consent_grant(member=member, kind=ConsentKind.RENCONTRE_EMAILS, source=ConsentSource.PROFILE)
    return made


def ics_of(message: EmailMessage) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))
