"""The initial list of transition topics (pairs/members/topics.py), created by slug.

Idempotent: a topic already present (perhaps renamed by the national team) is left as is.
Reversing keeps the rows: members may already refer to them.
"""

from django.db import migrations

from pairs.members.topics import TOPICS


def topics_create(apps, schema_editor):
    Topic = apps.get_model("members", "Topic")
    for position, (slug, label) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(slug=slug, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_topic_member_profile"),
    ]

    operations = [
        migrations.RunPython(topics_create, migrations.RunPython.noop),
    ]
