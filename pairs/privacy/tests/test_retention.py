from __future__ import annotations

import io
from datetime import datetime, timedelta
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from pairs.members.models import Member
from pairs.privacy.models import Erasure, RetentionNotice
from pairs.privacy.selectors import member_is_erased
from pairs.privacy.services import GRACE_AFTER_WARNING, retention_sweep_run
from pairs.privacy.tasks import retention_sweep
from tests.factories import MemberFactory, UserFactory
from tests.fixtures import World


def _inactive_member(*, now: datetime, days: int = 800) -> Member:
    user = UserFactory(email="dormant@exemple.fr", last_login=now - timedelta(days=days))
    return MemberFactory(user=user, email=user.email, first_name="Dormante")


def test_a_member_inactive_for_24_months_is_warned_once(world: World) -> None:
    now = timezone.now()
    member = _inactive_member(now=now)
    assert retention_sweep_run(now=now).warned == 1
    assert [message.to for message in mail.outbox] == [["dormant@exemple.fr"]]
    message = mail.outbox[0]
    assert "30 jours" in message.subject
    assert message.alternatives
    assert "Dormante" in message.alternatives[0][0]
    assert RetentionNotice.objects.get(member=member).warned_at == now
    # Later runs before the deadline send nothing more.
    assert retention_sweep_run(now=now + timedelta(days=1)).warned == 0
    assert retention_sweep_run(now=now + timedelta(days=29)).erased == 0
    assert len(mail.outbox) == 1


def test_active_members_are_left_alone(world: World) -> None:
    now = timezone.now()
    _inactive_member(now=now, days=700)
    assert retention_sweep_run(now=now).warned == 0
    assert mail.outbox == []


def test_still_silent_30_days_after_the_warning_means_erased(world: World) -> None:
    now = timezone.now()
    member = _inactive_member(now=now)
    retention_sweep_run(now=now)
    result = retention_sweep_run(now=now + GRACE_AFTER_WARNING)
    assert result.erased == 1
    assert member_is_erased(member=member)
    assert Erasure.objects.get(member=member).erased_by is None
    # Idempotent: nothing more to do, no second warning to the erased address.
    assert retention_sweep_run(now=now + GRACE_AFTER_WARNING + timedelta(days=1)).erased == 0
    assert len(mail.outbox) == 1


def test_a_login_after_the_warning_cancels_it(world: World) -> None:
    now = timezone.now()
    member = _inactive_member(now=now)
    retention_sweep_run(now=now)
    member.user.last_login = now + timedelta(days=3)
    member.user.save()
    result = retention_sweep_run(now=now + timedelta(days=40))
    assert (result.cancelled, result.erased, result.warned) == (1, 0, 0)
    assert not member_is_erased(member=member)
    assert RetentionNotice.objects.get(member=member).cancelled_at == now + timedelta(days=40)
    # Inactive again for 24 months: a new warning.
    later = now + timedelta(days=3 + 731)
    retention_sweep_run(now=later)
    notice = RetentionNotice.objects.get(member=member)
    assert (notice.warned_at, notice.cancelled_at) == (later, None)


def test_members_without_an_account_count_from_their_last_profile_change(world: World) -> None:
    now = timezone.now()
    member = MemberFactory(email="sans.compte@exemple.fr")
    Member.objects.filter(pk=member.pk).update(updated_at=now - timedelta(days=800))
    assert retention_sweep_run(now=now).warned == 1
    assert mail.outbox[0].to == ["sans.compte@exemple.fr"]


def test_the_task_and_the_command_use_the_current_time(world: World) -> None:
    now = timezone.now()
    _inactive_member(now=now)
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert retention_sweep.enqueue().return_value == {
            "cancelled": 0,
            "erased": 0,
            "warned": 1,
            "emails_purged": 0,
        }
    with mock.patch("django.utils.timezone.now", return_value=now + GRACE_AFTER_WARNING):
        out = io.StringIO()
        call_command("retention_sweep", stdout=out)
    assert "effacés : 1" in out.getvalue()
