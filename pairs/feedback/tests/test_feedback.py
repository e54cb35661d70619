"""Feedback: who gets a link, one answer per person, the editing window, bad links, organiser aggregates."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.core.models import OutgoingEmail
from pairs.feedback.links import FEEDBACK_SALT, feedback_link, feedback_token
from pairs.feedback.models import Feedback
from pairs.feedback.selectors import feedback_summary
from pairs.feedback.services import (
    FeedbackRefusedError,
    feedback_requests_send_due,
    feedback_submit,
)
from pairs.feedback.tasks import feedback_requests_send
from pairs.meetings.models import Attendance
from tests.fixtures import World
from tests.smtp import SmtpServer

from .helpers import attend, attendee, past_rencontre

ANSWER = {
    "satisfaction": "4",
    "usefulness": "5",
    "nps": "9",
    "format_suited": "yes",
    "would_come_again": "",
    "takeaway": "Un réseau qui m'a redonné confiance.",
}


def _answer(registration, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "satisfaction": 4,
        "usefulness": 4,
        "nps": 8,
        "format_suited": True,
        "takeaway": "",
        "would_come_again": True,
    }
    values.update(overrides)
    return feedback_submit(registration=registration, **values)


def test_only_checked_in_attendees_get_a_link_once(world: World, smtp_server: SmtpServer) -> None:
    rencontre = past_rencontre(world)
    present = attend(rencontre, attendee())
    walk_in = attend(rencontre, attendee())
    no_show = attend(rencontre, attendee(), Attendance.ABSENT)
    unmarked = attend(rencontre, attendee(), Attendance.UNKNOWN)
    no_consent = attend(rencontre, attendee(consents=()))
    feedback_requests_send.enqueue()  # the periodic task, run by the immediate backend
    assert feedback_requests_send_due() == 0  # a second run sends nothing again
    received = {str(m["To"]) for m in smtp_server.messages}
    assert received == {present.member.email, walk_in.member.email}
    for registration in (no_show, unmarked, no_consent):
        assert not OutgoingEmail.objects.filter(key=f"feedback:{registration.pk}").exists()
    [message] = smtp_server.to(present.member.email)
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Donner mon avis" in body
    token = re.search(r"/apres-la-rencontre/avis/([^/\s]+)/", body).group(1)  # type: ignore[union-attr]
    # The link works without logging in.
    response = Client().get(reverse("feedback:answer", kwargs={"token": token}))
    assert response.status_code == 200
    assert rencontre.title in response.content.decode()


def test_old_and_upcoming_rencontres_get_no_request(world: World) -> None:
    attend(past_rencontre(world, ended=timedelta(days=20)), attendee())
    attend(past_rencontre(world, ended=-timedelta(hours=3)), attendee())  # ends in 3 hours
    assert feedback_requests_send_due() == 0


def test_one_answer_per_person_and_the_link_used_twice_edits_it(world: World) -> None:
    registration = attend(past_rencontre(world), attendee())
    url = reverse("feedback:answer", kwargs={"token": feedback_token(registration)})
    client = Client()
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    assert response["Location"].endswith("/rester-en-contact/")
    again = client.get(url)
    assert "Vous avez répondu le" in again.content.decode()
    client.post(url, {**ANSWER, "satisfaction": "2"})
    [feedback] = Feedback.objects.all()
    assert feedback.satisfaction == 2
    assert feedback.usefulness == 5
    assert feedback.would_come_again is None
    # The logged-in page edits the same row.
    member_client = Client()
    member_client.force_login(registration.member.user)
    my_url = reverse("feedback:my_feedback", kwargs={"rencontre_id": registration.rencontre_id})
    member_client.post(my_url, {**ANSWER, "nps": "3"})
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().nps == 3


def test_editing_closes_after_seven_days(world: World) -> None:
    registration = attend(past_rencontre(world), attendee())
    first = _answer(registration, satisfaction=5)
    later = first.submitted_at + timedelta(days=7, minutes=1)
    with pytest.raises(FeedbackRefusedError, match="ce délai est passé"):
        _answer(registration, satisfaction=1, now=later)
    assert Feedback.objects.get().satisfaction == 5
    Feedback.objects.update(submitted_at=timezone.now() - timedelta(days=8))
    page = Client().post(reverse("feedback:answer", kwargs={"token": feedback_token(registration)}), ANSWER)
    assert page.status_code == 200
    assert "ce délai est passé" in page.content.decode()
    assert Feedback.objects.get().satisfaction == 5


def test_bad_links_say_why_and_record_nothing(world: World) -> None:
    rencontre = past_rencontre(world)
    no_show = attend(rencontre, attendee(), Attendance.ABSENT)
    client = Client()
    refused = client.post(reverse("feedback:answer", kwargs={"token": feedback_token(no_show)}), ANSWER)
    assert refused.status_code == 409
    assert "réservé aux personnes venues" in refused.content.decode()
    forged = client.post(reverse("feedback:answer", kwargs={"token": "pas-un-jeton"}), ANSWER)
    assert forged.status_code == 400
    assert "pas valide" in forged.content.decode()
    present = attend(rencontre, attendee())
    old = signing.dumps({"r": present.pk, "m": present.member_id}, salt=FEEDBACK_SALT, compress=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pairs.feedback.links.FEEDBACK_LINK_MAX_AGE", -1)
        expired = client.post(reverse("feedback:answer", kwargs={"token": old}), ANSWER)
    assert expired.status_code == 410
    assert "expiré" in expired.content.decode()
    with pytest.raises(FeedbackRefusedError):
        _answer(no_show)
    assert Feedback.objects.count() == 0


def test_feedback_link_is_absolute_and_names_only_its_registration(world: World) -> None:
    registration = attend(past_rencontre(world), attendee())
    assert feedback_link(registration).startswith("http")
    other = attend(past_rencontre(world), attendee())
    # A token for one registration does not open another one's form.
    assert feedback_token(registration) != feedback_token(other)


def test_small_numbers_are_suppressed_and_texts_are_anonymous(world: World) -> None:
    rencontre = past_rencontre(world, title="Cercle des pairs")
    people = [attend(rencontre, attendee(first_name=f"Prénom{i}", last_name=f"Nom{i}")) for i in range(6)]
    for i, registration in enumerate(people[:4]):
        _answer(registration, satisfaction=5, usefulness=4, nps=10, takeaway=f"Texte numéro {i}")
    summary = feedback_summary(rencontre=rencontre)
    assert summary.suppressed
    assert summary.answers == 4
    assert summary.satisfaction_mean is None
    assert summary.takeaways == []
    client = Client()
    client.force_login(world.consultant_same)
    url = reverse("feedback:results", kwargs={"rencontre_id": rencontre.pk})
    page = client.get(url).content.decode()
    assert "Moins de 5 réponses" in page
    assert "Texte numéro" not in page
    _answer(people[4], satisfaction=3, usefulness=2, nps=5, takeaway="Texte numéro 4")
    summary = feedback_summary(rencontre=rencontre, rng=random.Random(3))
    assert not summary.suppressed
    assert summary.satisfaction_mean == 4.6
    assert (summary.promoters, summary.passives, summary.detractors, summary.nps) == (4, 0, 1, 60)
    assert sorted(summary.takeaways) == [f"Texte numéro {i}" for i in range(5)]
    page = client.get(url).content.decode()
    assert "Texte numéro 4" in page
    for registration in people:
        assert registration.member.last_name not in page
        assert registration.member.email not in page


def test_only_the_organising_team_sees_the_results(world: World) -> None:
    rencontre = past_rencontre(world)
    url = reverse("feedback:results", kwargs={"rencontre_id": rencontre.pk})
    for user, status in (
        (world.consultant_other, 403),
        (world.member, 403),
        (world.consultant_same, 200),
        (world.lead_same, 200),
        (world.national, 200),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_locmem_email_has_no_contact_details_of_others(world: World) -> None:
    rencontre = past_rencontre(world)
    a = attend(rencontre, attendee(phone="0612345678"))
    b = attend(rencontre, attendee())
    assert feedback_requests_send_due() == 2
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.body + "".join(str(c) for c, _t in getattr(message, "alternatives", []))
        other = a.member if b.member.email in message.to else b.member
        assert other.email not in text
        assert "0612345678" not in text
        assert "+33612345678" not in text
