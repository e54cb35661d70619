"""Demo data: opt-ins, two past rounds with answers, no email, idempotent."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from django.core import mail

from pairs.coffee.demo import demo_coffee_seed
from pairs.coffee.models import CoffeeOptIn, CoffeeParticipant, CoffeeRound, Outcome
from pairs.core.models import OutgoingEmail
from tests.factories import DelegationFactory

from .helpers import people

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_demo_seed_opts_in_a_share_runs_two_rounds_and_records_answers() -> None:
    delegation = DelegationFactory(code="bretagne")
    people(delegation, 40, now=NOW, opt_in=False)
    people(delegation, 5, now=NOW, opt_in=False, consent=False)
    summary = demo_coffee_seed(rng=random.Random(7), now=NOW)
    opted = CoffeeOptIn.objects.count()
    assert summary["inscrit·es"] == opted
    assert 3 <= opted <= 16  # about 20 % of the 40 who consent
    rounds = CoffeeRound.objects.order_by("started_at")
    assert [r.period for r in rounds] == ["2026-09", "2026-10"]
    assert all(r.status == CoffeeRound.Status.DONE for r in rounds)
    answered = CoffeeParticipant.objects.exclude(outcome=Outcome.PENDING)
    assert answered.exists()
    assert summary["réponses"] == answered.count()
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()
    again = demo_coffee_seed(rng=random.Random(7), now=NOW)
    assert again["inscrit·es"] == 0
    assert CoffeeRound.objects.count() == 2
