"""Demo consents: a realistic mix for every member who has none yet."""

from __future__ import annotations

import random

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Exists, OuterRef

from pairs.members.models import Member

from .models import ConsentKind, ConsentRecord, ConsentSource
from .texts import consent_wording_current

# Share of members who said yes to each kind at import.
DEMO_GRANT_RATES: dict[str, float] = {
    ConsentKind.RECOMMENDATIONS: 0.85,
    ConsentKind.CONTACT_SHARING: 0.70,
    ConsentKind.STATISTICS: 0.90,
    ConsentKind.RENCONTRE_EMAILS: 0.80,
}

CHUNK_SIZE = 5_000  # members per bulk_create round trip (four rows each)


def demo_consents_seed(*, seed: int) -> int:
    """Give each member without any consent record one answer per kind; return how many members.

    Every kind gets a row, granted or refused, with source "import", the
    current text and no ``recorded_by``: the answers stand for what people
    told the former system. (This writes rows directly, bypassing
    ``consent_record``'s check that only the member grants recommendations and
    contact sharing; it is demo data, never run on real members.)

    Deterministic: a member's answers depend only on the seed and the member's
    id. Idempotent: members who already have a record are skipped.
    """
    # Read the ids up front rather than stream them: we insert into the table
    # the query reads, on the same connection.
    without_consents = list(
        Member.objects.filter(~Exists(ConsentRecord.objects.filter(member=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "created_at")
    )
    # 400,000 rows through the ORM's bulk_create spend most of their time
    # building model instances and compiling values. Plain parameters instead:
    # COPY on PostgreSQL, executemany of one prepared INSERT on SQLite.
    meta = ConsentRecord._meta
    names = ("member", "kind", "granted", "wording", "recorded_at", "source")
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))

    def insert(cursor: CursorWrapper, rows: list[tuple[object, ...]]) -> None:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608 - names from the model, values as parameters

    recorded_at_field = meta.get_field("recorded_at")
    # Plain values, looked up once: enum properties are slow in a 100,000-turn loop.
    kinds = [
        (str(kind), consent_wording_current(kind=kind).pk, DEMO_GRANT_RATES[kind]) for kind in ConsentKind
    ]
    source = ConsentSource.IMPORT.value
    chunk_rows = CHUNK_SIZE * len(kinds)
    rows: list[tuple[object, ...]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for member_id, created_at in without_consents:
            rng = random.Random(seed * 1_000_003 + member_id)  # noqa: S311 - demo data, not security
            recorded_at = recorded_at_field.get_db_prep_save(created_at, connection)
            for kind, wording_id, rate in kinds:
                rows.append((member_id, kind, rng.random() < rate, wording_id, recorded_at, source))
            if len(rows) >= chunk_rows:
                insert(cursor, rows)
                rows = []
        insert(cursor, rows)
    return len(without_consents)
