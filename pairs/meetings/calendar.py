"""iCalendar (RFC 5545) for rencontres, built with the ``icalendar`` library.

One rencontre is one VEVENT whose UID never changes; SEQUENCE is the
rencontre's ``sequence``, raised by every change that is sent out, so calendar
programs replace the old event instead of adding a second one. A cancellation
is sent with METHOD:CANCEL and STATUS:CANCELLED. Times are written in
Europe/Paris with the VTIMEZONE the library derives from the zoneinfo database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from pairs.core.links import site_url
from pairs.network.models import Place

from .models import Mode, Rencontre, Status

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Rencontres entre Pairs//rencontres-entre-pairs.fr//FR"
UID_DOMAIN = "rencontres-entre-pairs.fr"


def rencontre_uid(rencontre: Rencontre) -> str:
    return f"{rencontre.uid}@{UID_DOMAIN}"


def place_line(place: Place) -> str:
    """« Centre Apec Paris Opéra, 1 rue …, 75009 Paris »: for calendars and emails."""
    return ", ".join(p for p in (place.name, place.address, f"{place.postcode} {place.city}".strip()) if p)


def _location(rencontre: Rencontre) -> str:
    parts: list[str] = []
    if rencontre.place is not None and rencontre.mode != Mode.VIDEO:
        parts.append(place_line(rencontre.place))
    if rencontre.video_url and rencontre.mode != Mode.IN_PERSON:
        parts.append(rencontre.video_url)
    return " · ".join(parts)


def _event(rencontre: Rencontre, *, stamp: datetime, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", rencontre_uid(rencontre))
    event.add("sequence", rencontre.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(rencontre.starts_at, PARIS))
    event.add("dtend", timezone.localtime(rencontre.ends_at, PARIS))
    event.add("summary", rencontre.title)
    page = f"{site_url()}{reverse('meetings:detail', kwargs={'rencontre_id': rencontre.pk})}"
    event.add("description", f"{rencontre.description}\n\n{page}")
    event.add("url", page)
    location = _location(rencontre)
    if location:
        event.add("location", location)
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organiser.params["cn"] = vText("Rencontres entre Pairs")
    event.add("organizer", organiser)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(*, method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def rencontre_ics(rencontre: Rencontre, *, now: datetime | None = None) -> str:
    """The .ics attached to an email: REQUEST for a confirmation or change, CANCEL for a cancellation."""
    cancelled = rencontre.status == Status.CANCELLED
    calendar = _calendar(method="CANCEL" if cancelled else "REQUEST")
    calendar.add_component(_event(rencontre, stamp=now or timezone.now(), cancelled=cancelled))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def rencontres_feed(rencontres: Iterable[Rencontre], *, name: str, now: datetime | None = None) -> str:
    """A subscribable calendar (no METHOD): a member's private feed or a delegation's public one."""
    calendar = _calendar(method=None)
    calendar.add("x-wr-calname", name)
    stamp = now or timezone.now()
    for rencontre in rencontres:
        calendar.add_component(_event(rencontre, stamp=stamp, cancelled=rencontre.status == Status.CANCELLED))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
