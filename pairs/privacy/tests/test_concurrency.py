from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource
from pairs.privacy.services import consent_grant
from tests.factories import MemberFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; row locks are PostgreSQL's"
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_grants_write_one_row() -> None:
    member = MemberFactory()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def grant() -> None:
        try:
            barrier.wait()
            consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ConsentRecord.objects.filter(member=member).count() == 1
