"""The lists: open rencontres with filters, a member's and a consultant's "Mes rencontres",
and a delegation's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.accounts.models import User
from pairs.meetings.models import (
    Attendance,
    Format,
    InvitationResponse,
    Mode,
    RegistrationStatus,
    Rencontre,
    Status,
    Visibility,
)
from pairs.meetings.selectors_lists import attendance_rate, delegation_month
from tests.factories import ConsultantFactory, MemberFactory
from tests.factories_meetings import InvitationFactory, RegistrationFactory, RencontreFactory
from tests.fixtures import World

PARIS = ZoneInfo("Europe/Paris")
HX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _home(world: World, title: str, **kwargs: object) -> Rencontre:
    return RencontreFactory(title=title, organiser=world.consultant_same.consultant, **kwargs)


def _other(world: World, title: str, **kwargs: object) -> Rencontre:
    return RencontreFactory(title=title, organiser=world.consultant_other.consultant, **kwargs)


def _past(**kwargs: object) -> dict[str, object]:
    start = timezone.now() - timedelta(days=10)
    return {"starts_at": start, "ends_at": start + timedelta(hours=2), **kwargs}


# --- The open list ----------------------------------------------------------------------------


@pytest.fixture
def catalogue(world: World) -> dict[str, Rencontre]:
    return {
        "public_home": _home(world, "Petit-déjeuner public Paris", format=Format.BREAKFAST),
        "delegation_home": _home(world, "Cercle réservé Île-de-France", visibility=Visibility.DELEGATION),
        "invitation_home": _home(world, "Table ronde sur invitation", visibility=Visibility.INVITATION),
        "draft_home": _home(world, "Brouillon pas encore publié", status=Status.DRAFT),
        "past_home": _home(world, "Atelier déjà passé", **_past()),
        "public_other": _other(world, "Afterwork public Lyon", format=Format.AFTERWORK, mode=Mode.HYBRID,
                               video_url="https://visio.exemple.fr/a"),
        "delegation_other": _other(world, "Cercle réservé Lyon", visibility=Visibility.DELEGATION),
    }  # fmt: skip


def _titles(html: str, catalogue: dict[str, Rencontre]) -> set[str]:
    return {key for key, rencontre in catalogue.items() if rencontre.title in html}


def test_anonymous_visitors_see_upcoming_public_rencontres_of_every_delegation(
    world: World, catalogue: dict[str, Rencontre]
) -> None:
    html = _client(None).get(reverse("meetings:list")).content.decode()
    assert _titles(html, catalogue) == {"public_home", "public_other"}


def test_a_member_starts_on_the_rencontres_open_to_their_delegation(
    world: World, catalogue: dict[str, Rencontre]
) -> None:
    client = _client(world.member)
    html = client.get(reverse("meetings:list")).content.decode()
    assert _titles(html, catalogue) == {"public_home", "delegation_home"}
    assert "ouvertes à votre délégation" in html
    every = client.get(reverse("meetings:list"), {"delegation": "toutes"}).content.decode()
    assert _titles(every, catalogue) == {"public_home", "delegation_home", "public_other"}


def test_an_invited_member_also_finds_the_invitation_only_rencontre(
    world: World, catalogue: dict[str, Rencontre]
) -> None:
    InvitationFactory(rencontre=catalogue["invitation_home"], member=world.member_profile)
    html = _client(world.member).get(reverse("meetings:list")).content.decode()
    assert "invitation_home" in _titles(html, catalogue)


def test_filters_narrow_the_list_and_htmx_gets_only_the_results(
    world: World, catalogue: dict[str, Rencontre]
) -> None:
    client = _client(world.consultant_same)
    url = reverse("meetings:list")
    by_format = client.get(url, {"delegation": "toutes", "format": Format.AFTERWORK}, **HX)
    html = by_format.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert _titles(html, catalogue) == {"public_other"}
    assert "HX-Request" in by_format.headers["Vary"]
    by_mode = client.get(url, {"delegation": "toutes", "mode": Mode.IN_PERSON}).content.decode()
    assert "public_other" not in _titles(by_mode, catalogue)
    by_delegation = client.get(url, {"delegation": world.other.code}).content.decode()
    assert _titles(by_delegation, catalogue) == {"public_other", "delegation_other"}
    by_words = client.get(url, {"delegation": "toutes", "q": "petit-déjeuner"}).content.decode()
    assert _titles(by_words, catalogue) == {"public_home"}
    # A wrong value is ignored, not an error.
    assert client.get(url, {"format": "n-importe-quoi"}).status_code == 200


def test_the_period_filter_and_topic_filter(world: World) -> None:
    soon = _home(world, "Dans trois jours", starts_at=timezone.now() + timedelta(days=3))
    later = _home(world, "Dans deux mois", starts_at=timezone.now() + timedelta(days=60))
    client = _client(world.consultant_same)
    week = client.get(reverse("meetings:list"), {"periode": "semaine"}).content.decode()
    assert soon.title in week
    assert later.title not in week
    from pairs.members.models import Topic

    topic = Topic.objects.filter(is_active=True).first()
    assert topic is not None
    later.topics.add(topic)
    by_topic = client.get(reverse("meetings:list"), {"topic": topic.slug}).content.decode()
    assert later.title in by_topic
    assert soon.title not in by_topic


def test_the_list_is_paginated_and_pages_keep_the_filters(world: World) -> None:
    for index in range(22):
        _home(world, f"Série numéro {index:02d}", starts_at=timezone.now() + timedelta(days=1 + index))
    client = _client(world.consultant_same)
    first = client.get(reverse("meetings:list"), {"format": Format.EXCHANGE_WORKSHOP}).content.decode()
    assert "Série numéro 00" in first
    assert "Série numéro 21" not in first
    assert "format=atelier" in first
    assert "page=2" in first
    second = client.get(reverse("meetings:list"), {"format": Format.EXCHANGE_WORKSHOP, "page": 2}, **HX)
    assert "Série numéro 21" in second.content.decode()


# --- A member's rencontres ------------------------------------------------------------------------


def test_my_rencontres_shows_upcoming_waitlisted_with_rank_past_and_invitations(world: World) -> None:
    me = world.member_profile
    upcoming = _home(world, "Mon atelier à venir")
    RegistrationFactory(rencontre=upcoming, member=me)
    full = _home(world, "Complète avec attente", capacity_min=1, capacity_max=1)
    RegistrationFactory(rencontre=full)
    RegistrationFactory(rencontre=full, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(rencontre=full, member=me, status=RegistrationStatus.WAITLISTED)
    past = _home(world, "Mon atelier passé", **_past())
    RegistrationFactory(rencontre=past, member=me, attendance=Attendance.PRESENT)
    invited = _other(world, "Invitation lyonnaise")
    InvitationFactory(rencontre=invited, member=me)
    answered = _other(world, "Invitation déclinée")
    InvitationFactory(rencontre=answered, member=me, response=InvitationResponse.DECLINED)
    elsewhere = _home(world, "Pas la mienne")

    html = _client(world.member).get(reverse("meetings:my_rencontres")).content.decode()
    assert upcoming.title in html
    assert past.title in html
    assert invited.title in html
    assert "Vous êtes en position 2 sur la liste d'attente" in html
    assert "Présent·e" in html
    assert f"Invitation de {world.consultant_other.consultant}" in html
    assert answered.title not in html
    assert elsewhere.title not in html


def test_my_rencontres_is_for_members_only(world: World) -> None:
    assert _client(world.consultant_same).get(reverse("meetings:my_rencontres")).status_code == 403
    assert _client(None).get(reverse("meetings:my_rencontres")).status_code == 302


# --- A consultant's rencontres --------------------------------------------------------------------


def test_consultants_see_what_they_organise_with_fill_and_attendance_rates(world: World) -> None:
    mine = _home(world, "Ma rencontre à moitié pleine", capacity_max=4)
    for _ in range(2):
        RegistrationFactory(rencontre=mine)
    RegistrationFactory(rencontre=mine, status=RegistrationStatus.WAITLISTED)
    done = _home(world, "Ma rencontre passée pointée", capacity_max=4, **_past())
    for attendance in (Attendance.PRESENT, Attendance.PRESENT, Attendance.PRESENT, Attendance.ABSENT):
        RegistrationFactory(rencontre=done, attendance=attendance)
    colleague = ConsultantFactory(delegation=world.home)
    co_organised = RencontreFactory(
        title="Je co-organise", organiser=colleague, co_organisers=[world.consultant_same.consultant]
    )
    not_mine = RencontreFactory(title="Celle du collègue", organiser=colleague)
    client = _client(world.consultant_same)
    url = reverse("meetings:consultant_rencontres")

    upcoming = client.get(url).content.decode()
    assert mine.title in upcoming
    assert co_organised.title in upcoming
    assert not_mine.title not in upcoming
    assert done.title not in upcoming
    row = upcoming[upcoming.index(mine.title) :].split("</tr>", 1)[0]
    assert "2 / 4" in row
    assert "50 %" in row
    assert "Pas encore de pointage" in row
    assert reverse("meetings:checkin", kwargs={"rencontre_id": mine.pk}) in row

    past = client.get(url, {"quand": "passees"}, **HX).content.decode()
    assert "<html" not in past
    row = past[past.index(done.title) :].split("</tr>", 1)[0]
    assert "75 %" in row
    assert "(3/4)" in row
    assert "Passée" in row
    assert mine.title not in past


def test_a_lead_may_widen_to_the_whole_delegation_and_national_filters_by_delegation(world: World) -> None:
    colleague = ConsultantFactory(delegation=world.home)
    theirs = RencontreFactory(title="Celle du collègue", organiser=colleague)
    lyon = _other(world, "Rencontre lyonnaise")
    url = reverse("meetings:consultant_rencontres")
    lead = _client(world.lead_same)
    assert theirs.title not in lead.get(url).content.decode()
    whole = lead.get(url, {"portee": "delegation"}).content.decode()
    assert theirs.title in whole
    assert lyon.title not in whole
    national = _client(world.national)
    every = national.get(url).content.decode()
    assert theirs.title in every
    assert lyon.title in every
    only_lyon = national.get(url, {"delegation": world.other.code}).content.decode()
    assert lyon.title in only_lyon
    assert theirs.title not in only_lyon
    # A consultant cannot widen: the option is not theirs.
    assert (
        theirs.title not in _client(world.consultant_same).get(url, {"portee": "delegation"}).content.decode()
    )
    assert _client(world.member).get(url).status_code == 403


def test_attendance_rate_waits_for_a_check_in() -> None:
    assert attendance_rate(present=0, absent=0) is None
    assert attendance_rate(present=3, absent=1) == 0.75


# --- The delegation calendar ----------------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def test_the_month_grid_of_december_2026(world: World) -> None:
    late_evening = _home(world, "Afterwork du 15", starts_at=_at(date(2026, 12, 15), 23))
    draft = _home(world, "Brouillon du 3", status=Status.DRAFT, starts_at=_at(date(2026, 12, 3), 9))
    _other(world, "Ailleurs", starts_at=_at(date(2026, 12, 15), 10))
    grid = delegation_month(
        viewer=world.consultant_same, delegation=world.home, year=2026, month=12, today=date(2026, 12, 3)
    )
    # 1 December 2026 is a Tuesday: the grid runs Monday 30 November to Sunday 3 January, 5 weeks.
    assert [len(week) for week in grid.weeks] == [7] * 5
    assert grid.weeks[0][0].day == date(2026, 11, 30)
    assert not grid.weeks[0][0].in_month
    assert grid.weeks[-1][-1].day == date(2027, 1, 3)
    cells = {cell.day: cell for week in grid.weeks for cell in week}
    # 23:00 in Paris is still the 15th, although 22:00 UTC.
    assert cells[date(2026, 12, 15)].rencontres == [late_evening]
    assert cells[date(2026, 12, 3)].rencontres == [draft]
    assert cells[date(2026, 12, 3)].is_today
    assert (grid.previous, grid.next) == (date(2026, 11, 1), date(2027, 1, 1))

    url = reverse("meetings:delegation_calendar", kwargs={"delegation_code": world.home.code})
    html = _client(world.consultant_same).get(url, {"mois": "2026-12"}).content.decode()
    assert "<caption>" in html
    assert html.count('scope="col"') == 7
    assert "décembre 2026" in html
    assert "?mois=2026-11" in html
    assert "?mois=2027-01" in html
    assert late_evening.title in html
    assert draft.title in html
    assert "Ailleurs" not in html
    listing = _client(world.consultant_same).get(url, {"mois": "2026-12", "vue": "liste"}).content.decode()
    assert "<table" not in listing.split('id="contenu"', 1)[1]
    assert listing.index(draft.title) < listing.index(late_evening.title)


def test_the_calendar_is_for_the_delegations_staff(world: World) -> None:
    url = reverse("meetings:delegation_calendar", kwargs={"delegation_code": world.home.code})
    assert _client(world.consultant_other).get(url).status_code == 403
    assert _client(world.member).get(url).status_code == 403
    assert _client(world.national).get(url, {"mois": "pas-un-mois"}).status_code == 200
    missing = reverse("meetings:delegation_calendar", kwargs={"delegation_code": "inconnue"})
    assert _client(world.national).get(missing).status_code == 404


def test_member_factory_is_in_the_home_delegation(world: World) -> None:
    # Guard for the fixtures above: the world's member belongs to the home delegation.
    assert world.member_profile.delegation == world.home
    assert MemberFactory().delegation is None
