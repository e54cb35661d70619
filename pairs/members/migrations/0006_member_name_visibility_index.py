"""Covering indexes for the staff member list: the delegation next to the name order and
next to the id, so that a consultant's visibility (their delegation, or their contacts) is
checked without reading the members table.

- (last_name, first_name, id) + delegation: the list, by name, walks this index only.
- (id) + delegation, PostgreSQL only: counting a text search joins the members to the
  search table in id order; with the delegation in the index, that side of the join is an
  index-only scan (100,000 members: the count of a common word drops from about 90 to
  30 ms, bench/search_members.py). SQLite joins through its rowid and has no use for it.

Raw SQL rather than model indexes: PostgreSQL keeps the delegation as a non-key column
(INCLUDE), which SQLite lacks (it gets a fourth key column, which serves the same reads).
The model's own `member_name_order` index stays: it is the one Django knows about.
"""

from django.db import migrations

STATEMENTS = {
    "postgresql": (
        "CREATE INDEX IF NOT EXISTS member_name_visibility ON members_member "
        "(last_name, first_name, id) INCLUDE (delegation_id)",
        "CREATE INDEX IF NOT EXISTS member_id_visibility ON members_member (id) INCLUDE (delegation_id)",
    ),
    "sqlite": (
        "CREATE INDEX IF NOT EXISTS member_name_visibility ON members_member "
        "(last_name, first_name, id, delegation_id)",
    ),
}
INDEXES = ("member_name_visibility", "member_id_visibility")


def indexes_create(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor in STATEMENTS:
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_member_search_index"),
    ]

    operations = [
        migrations.RunPython(indexes_create, indexes_drop, elidable=False),
    ]
