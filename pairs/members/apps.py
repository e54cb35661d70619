from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "pairs.members"
    label = "members"
