"""Outcome surveys: scheduled at 3 and 6 months after the first attended rencontre, answered once,
and a reported change reaches the profile only once the member confirms it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse

from pairs.feedback.links import outcome_token
from pairs.feedback.models import OutcomeResult, OutcomeSurvey
from pairs.feedback.services import (
    add_months,
    outcome_surveys_schedule,
    outcome_surveys_send_due,
)
from pairs.feedback.tasks import outcome_surveys_send
from pairs.meetings.models import Attendance
from pairs.members.models import Phase, Situation
from tests.fixtures import World

from .helpers import attend, attendee, past_rencontre


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(datetime(2026, 1, 31, 18, 0, tzinfo=UTC), 1) == datetime(2026, 2, 28, 18, 0, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)
    assert add_months(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2027, 2, 28, tzinfo=UTC)


def test_surveys_are_scheduled_at_3_and_6_months_after_the_first_attended_rencontre(world: World) -> None:
    member = attendee()
    first = past_rencontre(world, ended=timedelta(days=40))
    later = past_rencontre(world, ended=timedelta(days=10))
    missed = past_rencontre(world, ended=timedelta(days=60))
    attend(missed, member, Attendance.ABSENT)  # a no-show does not start the clock
    attend(first, member)
    attend(later, member)
    recruiter = attendee(situation=Situation.RECRUITER)
    attend(first, recruiter)
    no_show = attendee()
    attend(first, no_show, Attendance.ABSENT)
    assert outcome_surveys_schedule() == 1
    assert outcome_surveys_schedule() == 0  # idempotent
    surveys = {s.wave: s for s in OutcomeSurvey.objects.filter(member=member)}
    assert set(surveys) == {3, 6}
    assert surveys[3].first_rencontre_id == first.pk
    assert surveys[3].due_at == add_months(first.ends_at, 3)
    assert surveys[6].due_at == add_months(first.ends_at, 6)
    assert OutcomeSurvey.objects.count() == 2
    # Nothing is due yet; at 3 months the first wave goes, once; the 6-month one later.
    assert outcome_surveys_send_due() == 0
    at_three = surveys[3].due_at + timedelta(hours=1)
    assert outcome_surveys_send_due(now=at_three) == 1
    assert outcome_surveys_send_due(now=at_three) == 0
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "3 mois" in mail.outbox[0].subject
    assert outcome_surveys_send_due(now=surveys[6].due_at + timedelta(hours=1)) == 1
    assert len(mail.outbox) == 2


def test_no_email_without_consent_d_nor_long_after_the_due_date(world: World) -> None:
    silent = attendee(consents=())
    late = attendee()
    rencontre = past_rencontre(world, ended=timedelta(days=200))
    attend(rencontre, silent)
    attend(rencontre, late)
    outcome_surveys_send.enqueue()  # the periodic task: schedules, then sends what is due
    assert OutcomeSurvey.objects.count() == 4
    # 200 days ago: the 3-month survey is 100+ days late (not sent), the 6-month one is due now.
    assert list(OutcomeSurvey.objects.filter(sent_at__isnull=False).values_list("member_id", "wave")) == [
        (late.pk, 6)
    ]
    assert [m.to for m in mail.outbox] == [[late.email]]


def _survey(world: World, **member_fields: object) -> OutcomeSurvey:
    member = attendee(**member_fields)
    attend(past_rencontre(world, ended=timedelta(days=100)), member)
    outcome_surveys_schedule()
    survey = OutcomeSurvey.objects.get(member=member, wave=3)
    outcome_surveys_send_due()
    return survey


def test_a_new_job_becomes_integration_once_the_member_confirms(world: World) -> None:
    survey = _survey(world, situation=Situation.JOB_SEEKER, phase=Phase.TRANSITION)
    url = reverse("feedback:outcome", kwargs={"token": outcome_token(survey)})
    client = Client()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "answer",
            "result": OutcomeResult.NEW_JOB,
            "network_helped": "yes",
            "would_help_others": "yes",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    member = survey.member
    member.refresh_from_db()
    assert (survey.proposed_phase, survey.proposed_situation) == (Phase.INTEGRATION, Situation.EMPLOYED)
    assert survey.network_helped is True
    # Not changed before the member says yes.
    assert (member.phase, member.situation) == (Phase.TRANSITION, Situation.JOB_SEEKER)
    page = client.get(url).content.decode()
    assert "Mettre votre profil à jour" in page
    assert "Intégration" in page
    # Answering twice records nothing twice.
    client.post(url, {"action": "answer", "result": OutcomeResult.SEARCHING})
    survey.refresh_from_db()
    assert survey.result == OutcomeResult.NEW_JOB
    client.post(url, {"action": "confirm"})
    member.refresh_from_db()
    survey.refresh_from_db()
    assert (member.phase, member.situation) == (Phase.INTEGRATION, Situation.EMPLOYED)
    assert survey.change_confirmed_at is not None


def test_declining_the_proposal_leaves_the_profile_and_still_searching_proposes_nothing(world: World) -> None:
    survey = _survey(world, situation=Situation.JOB_SEEKER, phase=Phase.PREPARATION)
    url = reverse("feedback:outcome", kwargs={"token": outcome_token(survey)})
    client = Client()
    client.post(url, {"action": "answer", "result": OutcomeResult.TRAINING})
    survey.refresh_from_db()
    assert (survey.proposed_phase, survey.proposed_situation) == (Phase.TRANSITION, "")
    client.post(url, {"action": "decline"})
    survey.refresh_from_db()
    survey.member.refresh_from_db()
    assert survey.member.phase == Phase.PREPARATION
    assert survey.proposed_phase == ""
    assert survey.change_confirmed_at is None
    other = _survey(world, phase=Phase.TRANSITION)
    other_url = reverse("feedback:outcome", kwargs={"token": outcome_token(other)})
    client.post(other_url, {"action": "answer", "result": OutcomeResult.SEARCHING})
    other.refresh_from_db()
    assert other.answered_at is not None
    assert other.proposed_phase == other.proposed_situation == ""
    assert "Mettre votre profil à jour" not in client.get(other_url).content.decode()
