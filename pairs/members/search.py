"""Full-text search over members: one denormalised search document per member.

The document is the member's names and free texts (what they seek, what they
offer) folded to lower-case ASCII words by `pairs_engine.text.fold`, so that
"ingenieur", "Ingénieur" and "INGÉNIEUR" are the same word in any database,
without the `unaccent` extension. The query is folded the same way.

- PostgreSQL: table `members_member_search` (member id, tsvector built with the
  `french` configuration, so "ingénieurs" also finds "ingénieur") and a GIN
  index; ranked with `ts_rank`.
- SQLite: FTS5 virtual table `members_member_fts` whose rowid is the member id;
  ranked with FTS5's bm25 `rank`.

Both rank only when few documents match (RANK_LIMIT), and list by name otherwise.

Neither table is a Django model (the members models stay as they are, and an
FTS5 table cannot be one): both are created by migration 0005 and read through
`QuerySet.extra`, the only way to join a queryset to a table without a model.
Documents are written by `member_search_index_rebuild`, which the member
services call and which bulk inserts (the demo) call once at the end. A stale
row of a deleted member is harmless: the join to the member table drops it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from pairs_engine.text import fold

POSTGRES_TABLE = "members_member_search"
SQLITE_TABLE = "members_member_fts"
# Rows read, folded and written per statement by the rebuild.
REBUILD_CHUNK = 5000
# Longest query we fold; beyond it a search is not a search any more.
MAX_QUERY_WORDS = 8
# PostgreSQL: the last word is a prefix up to this length ("ingé" while typing).
PREFIX_MAX_LENGTH = 5
# Relevance ranks the matching documents when at most this many match, of all members.
# Ranking reads and scores every match before the first page can be cut: for a common word
# ("management": 28,000 of 100,000 demo members) that is most of the search table and
# 80 ms on PostgreSQL, where listing the matches by name walks the name index and stops at
# the page (a few ms). And the ranking of one word among thousands of profiles says little:
# it counts how often each profile repeats the word. Selective queries (a surname, a rare
# skill, several words) stay under the limit and keep the most relevant first; the page says
# which order it shows (`search_is_ranked`).
RANK_LIMIT = 2000
RANK_ORDER = {"postgresql": "-search_rank", "sqlite": "search_rank"}  # FTS5's rank: lower is better
NAME_ORDER = ("last_name", "first_name", "id")

POSTGRES_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {POSTGRES_TABLE} (member_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {POSTGRES_TABLE}_document ON {POSTGRES_TABLE} USING gin (document)",
)
POSTGRES_DROP = (f"DROP TABLE IF EXISTS {POSTGRES_TABLE}",)
# The documents are folded already; diacritics removal only guards direct writes.
# prefix='2 3': the live search sends prefixes ("ingé" while typing).
SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
    "document, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {SQLITE_TABLE}",)


def search_document(*, first_name: str, last_name: str, seeking_text: str, offering_text: str) -> str:
    """The folded text a member is found by."""
    parts = (_fold_cached(text) for text in (first_name, last_name, seeking_text, offering_text) if text)
    return " ".join(part for part in parts if part)


# Names and texts repeat (first names, template sentences of imported or demo profiles):
# folding each distinct value once halves a full rebuild.
@functools.lru_cache(maxsize=50_000)
def _fold_cached(text: str) -> str:
    return fold(text)


def search_words(*, query: str) -> list[str]:
    """The folded words of a query, at most MAX_QUERY_WORDS: "Ingénieur d'études" → ["ingenieur", "etudes"].

    One-letter words (the "d" of "d'études") are dropped when there are others: as
    prefixes they would match nearly every document.
    """
    words = fold(query or "").split()
    longer = [word for word in words if len(word) > 1]
    return (longer or words)[:MAX_QUERY_WORDS]


def search_tables_create(*, connection: BaseDatabaseWrapper) -> None:
    """Create the vendor's search table (migration 0005); other vendors get none."""
    statements = {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}.get(connection.vendor, ())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def search_tables_drop(*, connection: BaseDatabaseWrapper) -> None:
    statements = {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(connection.vendor, ())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _member_rows(cursor: Any, member_ids: list[int] | None) -> Iterator[list[tuple[int, str]]]:
    """(id, document) of the members, REBUILD_CHUNK at a time, read by primary key ranges."""
    select = "SELECT id, first_name, last_name, seeking_text, offering_text FROM members_member"
    if member_ids is not None:
        for start in range(0, len(member_ids), REBUILD_CHUNK):
            batch = member_ids[start : start + REBUILD_CHUNK]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"{select} WHERE id IN ({placeholders})", batch)
            yield [(row[0], search_document_from_row(row)) for row in cursor.fetchall()]
        return
    last_id = 0
    while True:
        cursor.execute(f"{select} WHERE id > %s ORDER BY id LIMIT %s", [last_id, REBUILD_CHUNK])
        rows = cursor.fetchall()
        if not rows:
            return
        last_id = rows[-1][0]
        yield [(row[0], search_document_from_row(row)) for row in rows]


def search_document_from_row(row: tuple[Any, ...]) -> str:
    return search_document(first_name=row[1], last_name=row[2], seeking_text=row[3], offering_text=row[4])


def search_index_rebuild(*, connection: BaseDatabaseWrapper, member_ids: Iterable[int] | None = None) -> int:
    """Rewrite the search documents of these members (None: all, and drop stale rows).

    Set-based: rows are read by id ranges, folded in Python (the one fold shared with
    the query side), then written with one statement per chunk. Returns the number of
    documents written.
    """
    ids = None if member_ids is None else sorted(set(member_ids))
    if connection.vendor not in ("postgresql", "sqlite") or ids == []:
        return 0
    written = 0
    # One transaction: SQLite would otherwise commit (and sync) every inserted row.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        table = POSTGRES_TABLE if connection.vendor == "postgresql" else SQLITE_TABLE
        if ids is None and connection.vendor == "postgresql":
            # TRUNCATE, not DELETE: rewriting every row after a DELETE leaves the table twice
            # its size until a VACUUM FULL, and every search that reads it pays for the dead half.
            # Transactional in PostgreSQL: a failed rebuild leaves the old documents. Searches
            # wait for the rebuild meanwhile, which only migrations, the demo and the bench run.
            cursor.execute(f"TRUNCATE {table}")
        elif ids is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - constant table name
        for chunk in _member_rows(cursor, ids):
            if not chunk:
                continue
            if connection.vendor == "postgresql":
                _postgres_write(cursor, chunk, replace=ids is not None)
            else:
                _sqlite_write(cursor, chunk, replace=ids is not None)
            written += len(chunk)
    return written


def _postgres_write(cursor: Any, chunk: list[tuple[int, str]], *, replace: bool) -> None:
    ids = [member_id for member_id, _ in chunk]
    documents = [document for _, document in chunk]
    if replace:
        cursor.execute(f"DELETE FROM {POSTGRES_TABLE} WHERE member_id = ANY(%s)", [ids])  # noqa: S608
    cursor.execute(
        f"INSERT INTO {POSTGRES_TABLE} (member_id, document) "  # noqa: S608 - constant table name
        "SELECT d.id, to_tsvector('french', d.document) FROM unnest(%s::bigint[], %s::text[]) AS d(id, document)",
        [ids, documents],
    )


def _sqlite_write(cursor: Any, chunk: list[tuple[int, str]], *, replace: bool) -> None:
    if replace:
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({placeholders})",  # noqa: S608 - placeholders only
            [member_id for member_id, _ in chunk],
        )
    cursor.executemany(f"INSERT INTO {SQLITE_TABLE} (rowid, document) VALUES (%s, %s)", chunk)  # noqa: S608


def member_search_index_rebuild(*, member_ids: Iterable[int] | None = None) -> int:
    """Rewrite the search documents of these members, or of all members (None).

    The member services call it for the member they write; bulk inserts that bypass
    the services (the demo) call it once afterwards: 100,000 members take seconds.
    """
    return search_index_rebuild(connection=default_connection, member_ids=member_ids)


def search_filter(*, queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Members of the queryset whose document matches every word of the query. Live search
    sends half-typed words ("ingé"): SQLite takes every word as a prefix, PostgreSQL a short
    last word and stems the others.

    Order: the most relevant first, then by name, when at most RANK_LIMIT documents match;
    by name otherwise (see `search_is_ranked`). A query without any word leaves the queryset
    as it is.
    """
    words = search_words(query=query)
    if not words:
        return queryset
    vendor = default_connection.vendor
    if vendor == "postgresql":
        # Folded words are [0-9a-z]+: safe inside to_tsquery's syntax. Whole words match
        # through the French stemmer ("ingenieurs", "qualit"); only a short last word, being
        # typed, is a prefix: the planner estimates long prefixes badly and then scans the
        # whole table instead of the GIN index (100 ms instead of 15 ms on 100,000 members).
        terms = [*words[:-1], words[-1] + ":*" if len(words[-1]) <= PREFIX_MAX_LENGTH else words[-1]]
        tsquery = " & ".join(terms)
        matches = f"{POSTGRES_TABLE}.document @@ to_tsquery('french', %s)"
        if _documents_match_at_most(vendor=vendor, where=matches, param=tsquery, limit=RANK_LIMIT):
            return queryset.extra(  # noqa: S610 - constant SQL, the query is a parameter
                tables=[POSTGRES_TABLE],
                where=[f"{POSTGRES_TABLE}.member_id = members_member.id", matches],
                params=[tsquery],
                select={"search_rank": f"ts_rank({POSTGRES_TABLE}.document, to_tsquery('french', %s))"},
                select_params=[tsquery],
            ).order_by(RANK_ORDER[vendor], *NAME_ORDER)
        return queryset.extra(  # noqa: S610 - constant SQL, the query is a parameter
            where=[f"members_member.id IN (SELECT member_id FROM {POSTGRES_TABLE} WHERE {matches})"],  # noqa: S608
            params=[tsquery],
        ).order_by(*NAME_ORDER)
    if vendor == "sqlite":
        match = " ".join(f'"{word}"*' for word in words)
        matches = f"{SQLITE_TABLE} MATCH %s"
        if _documents_match_at_most(vendor=vendor, where=matches, param=match, limit=RANK_LIMIT):
            return queryset.extra(  # noqa: S610 - constant SQL, the query is a parameter
                tables=[SQLITE_TABLE],
                where=[f"{SQLITE_TABLE}.rowid = members_member.id", matches],
                params=[match],
                select={"search_rank": f"{SQLITE_TABLE}.rank"},
            ).order_by(RANK_ORDER[vendor], *NAME_ORDER)
        return queryset.extra(  # noqa: S610 - constant SQL, the query is a parameter
            where=[f"members_member.id IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {matches})"],  # noqa: S608
            params=[match],
        ).order_by(*NAME_ORDER)
    return naive_search_filter(queryset=queryset, query=query)


def _documents_match_at_most(*, vendor: str, where: str, param: str, limit: int) -> bool:
    """Whether at most `limit` documents, of all members, match: a count that stops at
    limit + 1 rows of the search table, read from its index (a few milliseconds)."""
    table = POSTGRES_TABLE if vendor == "postgresql" else SQLITE_TABLE
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) AS hits",  # noqa: S608
            [param, limit + 1],
        )
        (count,) = cursor.fetchone()
    return bool(count <= limit)


def search_is_ranked(*, queryset: QuerySet[Any]) -> bool:
    """Whether `search_filter` ordered this queryset (or a values/values_list of it) by
    relevance rather than by name."""
    return any(field in RANK_ORDER.values() for field in queryset.query.order_by)


def naive_search_filter(*, queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    """The baseline the benchmark compares with: icontains on each field, no index, no
    accent folding. Also the fallback for databases without a search table."""
    from django.db.models import Q

    for word in (query or "").split()[:MAX_QUERY_WORDS]:
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(seeking_text__icontains=word)
            | Q(offering_text__icontains=word)
        )
    return queryset.order_by("last_name", "first_name", "id")
