"""The demo history after the rencontres follows the same rules as the services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core import mail
from django.db.models import Q
from django.utils import timezone

from pairs.feedback.demo import demo_feedback_seed
from pairs.feedback.models import Connection, ContactWish, Feedback, OutcomeSurvey
from pairs.meetings.models import Attendance
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent
from tests.fixtures import World

from .helpers import attend, attendee, past_rencontre


def test_demo_seed_is_consistent_and_idempotent(world: World) -> None:
    people = [attendee(consents=(ConsentKind.CONTACT_SHARING,) if i % 4 else ()) for i in range(12)]
    old = past_rencontre(world, ended=timedelta(days=150))
    recent = past_rencontre(world, ended=timedelta(days=20))
    upcoming = past_rencontre(world, ended=-timedelta(days=3))
    for member in people[:8]:
        attend(old, member)
    for member in people[4:]:
        attend(recent, member)
    attend(old, people[9], Attendance.ABSENT)
    attend(upcoming, people[0], Attendance.UNKNOWN)
    now = timezone.now()
    created = demo_feedback_seed(rng=random.Random(7), now=now)
    assert created["feedback"] == Feedback.objects.count() > 0
    assert created["contact_wishes"] == ContactWish.objects.count() > 0
    assert mail.outbox == []
    # Feedback only from people present, after the rencontre ended.
    for feedback in Feedback.objects.select_related("registration__rencontre"):
        assert feedback.registration.attendance == Attendance.PRESENT
        assert feedback.submitted_at >= feedback.registration.rencontre.ends_at
    # Wishes only between people present at the same rencontre.
    for wish in ContactWish.objects.all():
        present = set(
            wish.rencontre.registrations.filter(attendance=Attendance.PRESENT).values_list(
                "member_id", flat=True
            )
        )
        assert {wish.from_member_id, wish.to_member_id} <= present
    # Connections: mutual, both consenting (b).
    sharing = set(members_with_consent(kind=ConsentKind.CONTACT_SHARING).values_list("pk", flat=True))
    for connection in Connection.objects.all():
        a, b = connection.member_a_id, connection.member_b_id
        assert ContactWish.objects.filter(from_member_id=a, to_member_id=b).exists()
        assert ContactWish.objects.filter(from_member_id=b, to_member_id=a).exists()
        assert {a, b} <= sharing
    # Surveys for everyone who attended (first rencontre), sent only when due.
    assert OutcomeSurvey.objects.values("member_id").distinct().count() == 12
    assert not OutcomeSurvey.objects.filter(
        Q(sent_at__gt=now) | Q(due_at__gt=now, sent_at__isnull=False)
    ).exists()
    assert OutcomeSurvey.objects.filter(member=people[0], wave=3, sent_at__isnull=False).exists()
    # Nothing twice.
    counts = (Feedback.objects.count(), ContactWish.objects.count(), OutcomeSurvey.objects.count())
    assert set(demo_feedback_seed(rng=random.Random(7), now=now).values()) == {0}
    assert (Feedback.objects.count(), ContactWish.objects.count(), OutcomeSurvey.objects.count()) == counts
