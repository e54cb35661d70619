"""Rencontres: rules, the waitlist, notifications with their .ics over a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.core.models import OutgoingEmail
from pairs.meetings.links import invitation_from_token
from pairs.meetings.models import (
    Invitation,
    InvitationResponse,
    Mode,
    Registration,
    RegistrationStatus,
    Rencontre,
    Series,
)
from pairs.meetings.services import (
    RegistrationError,
    invitation_send,
    registration_cancel,
    registration_remove,
    registration_request,
    reminders_send_due,
    rencontre_cancel,
    rencontre_create,
    rencontre_data_from,
    rencontre_update,
    series_create,
    waitlist_rank,
)
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_revoke
from tests.fixtures import World
from tests.smtp import SmtpServer

from .helpers import data, ics_of, members, place_in, published


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Bad input --------------------------------------------------------------------------------


def test_end_before_start_past_date_and_plain_http_link_are_refused(world: World) -> None:
    organiser = world.consultant_same.consultant
    start = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        rencontre_create(
            organiser=organiser,
            data=data(
                starts_at=start, ends_at=start - timedelta(hours=1), video_url="http://visio.exemple.fr/x"
            ),
        )
    errors = _errors(excinfo)
    assert errors["ends_at"] == ["La fin doit être après le début."]
    assert "passée" in errors["starts_at"][0]
    assert "https://" in errors["video_url"][0]
    assert not Rencontre.objects.exists()


def test_a_place_of_another_delegation_needs_a_co_organiser_there(world: World) -> None:
    organiser = world.consultant_same.consultant
    lyon = place_in(world.other, name="Centre Apec Lyon")
    with pytest.raises(ValidationError) as excinfo:
        rencontre_create(organiser=organiser, data=data(mode=Mode.IN_PERSON, place=lyon, video_url=""))
    assert "Apec Auvergne-Rhône-Alpes" in _errors(excinfo)["place"][0]
    rencontre = rencontre_create(
        organiser=organiser,
        data=data(
            mode=Mode.IN_PERSON, place=lyon, video_url="", co_organisers=[world.consultant_other.consultant]
        ),
    )
    assert rencontre.place == lyon


def test_in_person_needs_a_place_and_video_needs_a_link(world: World) -> None:
    organiser = world.consultant_same.consultant
    with pytest.raises(ValidationError) as excinfo:
        rencontre_create(organiser=organiser, data=data(mode=Mode.HYBRID, video_url=""))
    assert set(_errors(excinfo)) == {"place", "video_url"}


def test_capacity_cannot_drop_below_the_registrations(world: World) -> None:
    rencontre = published(world.consultant_same.consultant, capacity_max=5)
    for member in members(4):
        registration_request(rencontre=rencontre, member=member)
    rencontre.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        rencontre_update(rencontre=rencontre, data=rencontre_data_from(rencontre, capacity_max=3))
    assert "4 personnes sont déjà inscrites" in _errors(excinfo)["capacity_max"][0]
    rencontre.refresh_from_db()
    assert rencontre.capacity_max == 5


# --- Registration and waitlist ----------------------------------------------------------------


def test_full_rencontre_waitlists_in_arrival_order_and_a_cancellation_promotes_the_first(
    world: World, smtp_server: SmtpServer
) -> None:
    rencontre = published(world.consultant_same.consultant, capacity_max=2)
    a, b, c, d = members(4)
    ra, rb = (registration_request(rencontre=rencontre, member=m) for m in (a, b))
    rc, rd = (registration_request(rencontre=rencontre, member=m) for m in (c, d))
    assert [r.status for r in (ra, rb, rc, rd)] == ["registered"] * 2 + ["waitlisted"] * 2
    assert (waitlist_rank(registration=rc), waitlist_rank(registration=rd)) == (1, 2)
    # Asking twice changes nothing.
    assert registration_request(rencontre=rencontre, member=c).pk == rc.pk
    assert Registration.objects.filter(rencontre=rencontre).count() == 4

    registration_cancel(registration=ra)

    rc.refresh_from_db()
    rd.refresh_from_db()
    rencontre.refresh_from_db()
    assert rc.status == RegistrationStatus.REGISTERED
    assert rc.promoted_at is not None
    assert rd.status == RegistrationStatus.WAITLISTED
    assert waitlist_rank(registration=rd) == 1
    assert rencontre.registered_count == 2
    [promotion] = [m for m in smtp_server.to(c.email) if "place s'est libérée" in str(m["Subject"])]
    assert ics_of(promotion).walk("VEVENT")[0]["UID"] == f"{rencontre.uid}@rencontres-entre-pairs.fr"


def test_leaving_the_waitlist_keeps_the_others_order(world: World) -> None:
    rencontre = published(world.consultant_same.consultant, capacity_max=1)
    first, second, third, fourth = members(4)
    registration_request(rencontre=rencontre, member=first)
    waiting = [registration_request(rencontre=rencontre, member=m) for m in (second, third, fourth)]
    registration_cancel(registration=waiting[1])
    assert [waitlist_rank(registration=r) for r in (waiting[0], waiting[2])] == [1, 2]
    # Coming back puts them at the end of the line.
    again = registration_request(rencontre=rencontre, member=third)
    assert waitlist_rank(registration=again) == 3


def test_an_organiser_removes_someone_and_the_line_moves_up(world: World, smtp_server: SmtpServer) -> None:
    rencontre = published(world.consultant_same.consultant, capacity_max=1)
    seated, waiting = members(2)
    seat = registration_request(rencontre=rencontre, member=seated)
    line = registration_request(rencontre=rencontre, member=waiting)
    registration_remove(registration=seat)
    registration_remove(registration=seat)  # twice: one email only
    line.refresh_from_db()
    assert line.status == RegistrationStatus.REGISTERED
    assert len([m for m in smtp_server.to(seated.email) if "annulée" in str(m["Subject"])]) == 1


def test_a_draft_or_started_rencontre_refuses_registrations(world: World) -> None:
    draft = rencontre_create(organiser=world.consultant_same.consultant, data=data())
    [member] = members(1)
    with pytest.raises(RegistrationError, match="pas ouverte"):
        registration_request(rencontre=draft, member=member)
    started = published(world.consultant_same.consultant)
    with pytest.raises(RegistrationError, match="commencé"):
        registration_request(rencontre=started, member=member, now=started.starts_at + timedelta(minutes=1))


# --- Calendar files over SMTP (acceptance) ----------------------------------------------------


def test_confirmation_ics_then_date_change_then_cancellation(world: World, smtp_server: SmtpServer) -> None:
    rencontre = published(world.consultant_same.consultant)
    [member] = members(1)
    registration_request(rencontre=rencontre, member=member)

    [confirmation] = smtp_server.to(member.email)
    assert confirmation.is_multipart()
    assert {"text/plain", "text/html"} <= {p.get_content_type() for p in confirmation.walk()}
    calendar = ics_of(confirmation)
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    uid, first_sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert event.decoded("DTSTART") == rencontre.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert rencontre.video_url in str(event["LOCATION"])

    new_start = rencontre.starts_at + timedelta(days=1)
    rencontre_update(
        rencontre=rencontre,
        data=rencontre_data_from(rencontre, starts_at=new_start, ends_at=new_start + timedelta(hours=2)),
    )
    [change] = [m for m in smtp_server.to(member.email) if "Changement" in str(m["Subject"])]
    [changed] = ics_of(change).walk("VEVENT")
    assert str(changed["UID"]) == uid
    assert int(changed["SEQUENCE"]) > first_sequence
    assert changed.decoded("DTSTART") == new_start

    rencontre.refresh_from_db()
    rencontre_cancel(rencontre=rencontre, reason="Salle indisponible")
    [cancellation] = [m for m in smtp_server.to(member.email) if "annulée" in str(m["Subject"])]
    assert "Salle indisponible" in cancellation.get_body(("plain",)).get_content()
    calendar = ics_of(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL"
    [cancelled] = calendar.walk("VEVENT")
    assert str(cancelled["UID"]) == uid
    assert int(cancelled["SEQUENCE"]) > int(changed["SEQUENCE"])
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_editing_only_the_description_sends_nothing(world: World, smtp_server: SmtpServer) -> None:
    rencontre = published(world.consultant_same.consultant)
    [member] = members(1)
    registration_request(rencontre=rencontre, member=member)
    rencontre_update(rencontre=rencontre, data=rencontre_data_from(rencontre, description="Autre texte"))
    assert len(smtp_server.to(member.email)) == 1  # the confirmation only
    rencontre.refresh_from_db()
    assert rencontre.sequence == 0


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_are_sent_once_at_two_days_and_three_hours(world: World, smtp_server: SmtpServer) -> None:
    rencontre = published(world.consultant_same.consultant)
    registered, no_consent = members(2)
    registration_request(rencontre=rencontre, member=registered)
    registration_request(rencontre=rencontre, member=no_consent)
    consent_revoke(member=no_consent, kind=ConsentKind.RENCONTRE_EMAILS, source=ConsentSource.PROFILE)
    start = rencontre.starts_at

    assert reminders_send_due(now=start - timedelta(days=3)) == 0
    assert reminders_send_due(now=start - timedelta(hours=47)) == 1
    # A second run, or a worker restarting and running again: nothing more.
    assert reminders_send_due(now=start - timedelta(hours=46)) == 0
    assert reminders_send_due(now=start - timedelta(hours=2, minutes=30)) == 1
    assert reminders_send_due(now=start - timedelta(hours=1)) == 0
    subjects = [str(m["Subject"]) for m in smtp_server.to(registered.email) if "Rappel" in str(m["Subject"])]
    assert len(subjects) == 2
    assert not [m for m in smtp_server.to(no_consent.email) if "Rappel" in str(m["Subject"])]
    assert OutgoingEmail.objects.filter(key__startswith="reminder:").count() == 2


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_to_another_consultants_rencontre_works_through_signed_links(
    world: World, smtp_server: SmtpServer
) -> None:
    # Organised in Auvergne-Rhône-Alpes, open to invitations; the inviter is in Île-de-France.
    rencontre = published(world.consultant_other.consultant, visibility="invitation")
    [member] = members(1, delegation=world.home)
    outcome = invitation_send(
        rencontre=rencontre, members=[member], invited_by=world.consultant_same.consultant
    )
    assert outcome.sent == [member]
    invitation = Invitation.objects.get()
    assert invitation.invited_by == world.consultant_same.consultant

    [email] = smtp_server.to(member.email)
    text = email.get_body(("plain",)).get_content()
    # The link as mailed (a token made again here could carry a later second's timestamp).
    pattern = reverse("meetings:invitation_answer", kwargs={"token": "TOKEN", "answer": "accept"})
    before, after = pattern.split("TOKEN")
    found = re.search(re.escape(before) + r"([^/\s]+)" + re.escape(after), text)
    assert found is not None, text
    assert invitation_from_token(found.group(1)) == invitation
    accept_path = found.group(0)

    anonymous = Client()
    page = anonymous.get(accept_path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert not Registration.objects.exists()
    response = anonymous.post(accept_path)
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert (registration.member, registration.status) == (member, RegistrationStatus.REGISTERED)
    invitation.refresh_from_db()
    assert invitation.response == InvitationResponse.ACCEPTED
    # The same link again: still one registration.
    anonymous.post(accept_path)
    assert Registration.objects.count() == 1


def test_a_forged_or_foreign_token_is_refused(world: World) -> None:
    response = Client().get(
        reverse("meetings:invitation_answer", kwargs={"token": "faux", "answer": "accept"})
    )
    assert response.status_code == 400
    assert "pas valide ou a expiré" in response.content.decode()


def test_no_more_than_the_weekly_number_of_invitations(world: World, settings) -> None:
    settings.MEETINGS_INVITATIONS_PER_WEEK = 2
    consultant = world.consultant_same.consultant
    [member] = members(1)
    outcomes = [
        invitation_send(
            rencontre=published(consultant, title=f"Rencontre {n}"), members=[member], invited_by=consultant
        )
        for n in range(3)
    ]
    assert [len(o.sent) for o in outcomes] == [1, 1, 0]
    assert outcomes[2].weekly_limit == [member]
    # A week later, invitations flow again.
    later = timezone.now() + timedelta(days=8)
    outcome = invitation_send(
        rencontre=published(
            consultant,
            title="Plus tard",
            starts_at=later + timedelta(days=2),
            ends_at=later + timedelta(days=2, hours=1),
        ),
        members=[member],
        invited_by=consultant,
        now=later,
    )
    assert outcome.sent == [member]


def test_members_without_the_emails_consent_are_not_invited(world: World) -> None:
    consultant = world.consultant_same.consultant
    [member] = members(1, emails_consent=False)
    outcome = invitation_send(rencontre=published(consultant), members=[member], invited_by=consultant)
    assert outcome.no_email_consent == [member]
    assert not Invitation.objects.exists()


# --- Series -----------------------------------------------------------------------------------


def test_a_monthly_series_keeps_the_weekday_of_the_month(world: World) -> None:
    series = series_create(
        organiser=world.consultant_same.consultant,
        data=data(),
        frequency=Series.Frequency.MONTHLY,
        occurrences=4,
        publish=True,
    )
    starts = [timezone.localtime(r.starts_at) for r in series.rencontres.order_by("starts_at")]
    assert len(starts) == 4
    assert len({s.weekday() for s in starts}) == 1
    assert len({(s.hour, s.minute) for s in starts}) == 1
    assert [s.month for s in starts] == sorted({s.month for s in starts}, key=[s.month for s in starts].index)


def test_the_private_feed_lists_my_rencontres_and_dies_when_revoked(world: World) -> None:
    rencontre = published(world.consultant_same.consultant)
    registration_request(rencontre=rencontre, member=world.member_profile)
    client = Client()
    client.force_login(world.member)
    client.post(reverse("meetings:feed_manage"), {"action": "create"})
    feed_url = client.get(reverse("meetings:feed_manage")).context["feed_url"]
    body = Client().get(feed_url).content
    from icalendar import Calendar

    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == rencontre.title
    client.post(reverse("meetings:feed_manage"), {"action": "revoke"})
    assert Client().get(feed_url).status_code == 404


def test_a_delegations_public_feed_has_only_public_rencontres(world: World) -> None:
    public = published(world.consultant_same.consultant, visibility="public", title="Ouverte à tous")
    published(world.consultant_same.consultant, visibility="delegation", title="Réservée")
    from icalendar import Calendar

    response = Client().get(reverse("meetings:delegation_feed", kwargs={"delegation_code": world.home.code}))
    titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert titles == [public.title]


def test_public_list_filters_by_departement_keeping_video_ones(world: World) -> None:
    from pairs.reference.models import Departement

    paris_place = place_in(world.home)
    paris_place.departement = Departement.objects.get(code="75")
    paris_place.save()
    in_paris = published(
        world.consultant_same.consultant,
        visibility="public",
        mode=Mode.IN_PERSON,
        place=paris_place,
        video_url="",
        title="À Paris",
    )
    online = published(world.consultant_same.consultant, visibility="public", title="En ligne")
    elsewhere = place_in(world.home, name="Ailleurs")
    published(
        world.consultant_same.consultant,
        visibility="public",
        mode=Mode.IN_PERSON,
        place=elsewhere,
        video_url="",
        title="Ailleurs",
    )
    response = Client().get(reverse("meetings:list"), {"departement": "75", "delegation": "toutes"})
    shown = {r.pk for r in response.context["page"].object_list}
    assert shown == {in_paris.pk, online.pk}


def test_raising_the_capacity_promotes_the_waitlist_in_order(world: World, smtp_server: SmtpServer) -> None:
    rencontre = published(world.consultant_same.consultant, capacity_max=1)
    seated, first, second, third = members(4)
    registration_request(rencontre=rencontre, member=seated)
    waiting = [registration_request(rencontre=rencontre, member=m) for m in (first, second, third)]
    rencontre.refresh_from_db()
    rencontre_update(rencontre=rencontre, data=rencontre_data_from(rencontre, capacity_max=3))
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]
    rencontre.refresh_from_db()
    assert rencontre.registered_count == 3
    assert [m for m in smtp_server.to(first.email) if "place s'est libérée" in str(m["Subject"])]
