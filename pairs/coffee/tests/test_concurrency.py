"""Two rounds of the same pool at once (« lancer un tour » meets the monthly task): serialised by the pool lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import connections

from pairs.coffee.models import CoffeeParticipant, CoffeeRound
from pairs.coffee.services import coffee_round_run
from tests.factories import DelegationFactory

from .helpers import people

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _race(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_rounds_pair_each_member_once() -> None:
    delegation = DelegationFactory(code="bretagne")
    members = people(delegation, 8, now=NOW)
    errors = _race([lambda: coffee_round_run(delegation=delegation, now=NOW, send_emails=False)] * 2)
    assert errors == []
    rounds = sorted(CoffeeRound.objects.all(), key=lambda r: r.member_count)
    assert [(r.member_count, r.pair_count) for r in rounds] == [(0, 0), (8, 4)]
    seats = list(CoffeeParticipant.objects.values_list("member_id", flat=True))
    assert sorted(seats) == sorted(m.pk for m in members)
