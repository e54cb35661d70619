"""The members' full-text search table (see pairs/members/search.py), per database vendor.

PostgreSQL: a table of tsvectors with a GIN index; SQLite: an FTS5 virtual table.
Neither is a model, so the operations run SQL only for the vendor they are for, then
index the members already present.
"""

from django.db import migrations

from pairs.members.search import search_index_rebuild, search_tables_create, search_tables_drop


def search_index_create(apps, schema_editor):
    search_tables_create(connection=schema_editor.connection)
    search_index_rebuild(connection=schema_editor.connection)


def search_index_drop(apps, schema_editor):
    search_tables_drop(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_topics_initial"),
    ]

    operations = [
        migrations.RunPython(search_index_create, search_index_drop, elidable=False),
    ]
