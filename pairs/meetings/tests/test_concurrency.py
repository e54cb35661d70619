"""Concurrent registrations at a nearly full rencontre: no overbooking, nothing lost or doubled.

Real threads, each with its own database connection, released together by a
barrier. On PostgreSQL the rencontre's row lock serialises them; on SQLite
every transaction begins IMMEDIATE (one writer at a time, the others wait on
the busy timeout). Both are tested: the test database is a file for SQLite
(config/settings/test.py), so threads do not share an in-memory connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from pairs.meetings.models import Registration, RegistrationStatus, Rencontre
from pairs.meetings.services import registration_cancel, registration_request
from tests.factories import ConsultantFactory, DelegationFactory, MemberFactory

from .helpers import published

# PostgreSQL: the acceptance figure (200 attempts for 20 places). SQLite writes
# one at a time whatever the number of threads: fewer attempts prove the same.
ATTEMPTS = 200 if connection.vendor == "postgresql" else 60
SEATS_LEFT = 20


def _race(jobs: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:  # reported in the test's thread
            with lock:
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
def test_concurrent_registrations_never_overbook_and_keep_the_line() -> None:
    organiser = ConsultantFactory(delegation=DelegationFactory(code="ile-de-france"))
    rencontre = published(organiser, capacity_max=25)
    for member in MemberFactory.create_batch(25 - SEATS_LEFT):
        registration_request(rencontre=rencontre, member=member)
    crowd = MemberFactory.create_batch(ATTEMPTS)

    errors = _race([lambda m=m: registration_request(rencontre=rencontre, member=m) for m in crowd])

    assert errors == []
    rencontre.refresh_from_db()
    rows = list(Registration.objects.filter(rencontre=rencontre).order_by("position"))
    registered = [r for r in rows if r.status == RegistrationStatus.REGISTERED]
    waitlisted = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(registered) == rencontre.registered_count == rencontre.capacity_max == 25
    assert len(waitlisted) == ATTEMPTS - SEATS_LEFT
    # Nobody lost, nobody twice.
    assert {r.member_id for r in rows} >= {m.pk for m in crowd}
    assert len(rows) == len({r.member_id for r in rows}) == 25 - SEATS_LEFT + ATTEMPTS
    # Arrival numbers are unique and every seat went to an earlier arrival than any waiting person.
    positions = [r.position for r in rows]
    assert len(set(positions)) == len(positions)
    assert max(r.position for r in registered) < min(r.position for r in waitlisted)


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_the_waitlist_in_order() -> None:
    organiser = ConsultantFactory(delegation=DelegationFactory(code="ile-de-france"))
    rencontre = published(organiser, capacity_max=10)
    seated = [registration_request(rencontre=rencontre, member=m) for m in MemberFactory.create_batch(10)]
    waiting = [registration_request(rencontre=rencontre, member=m) for m in MemberFactory.create_batch(15)]

    errors = _race([lambda r=r: registration_cancel(registration=r) for r in seated[:8]])

    assert errors == []
    rencontre.refresh_from_db()
    assert rencontre.registered_count == 10
    promoted = Registration.objects.filter(rencontre=rencontre, promoted_at__isnull=False)
    # The first eight in line, exactly.
    assert sorted(promoted.values_list("pk", flat=True)) == sorted(r.pk for r in waiting[:8])
    assert (
        Rencontre.objects.get(pk=rencontre.pk).registered_count
        == Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED).count()
    )
