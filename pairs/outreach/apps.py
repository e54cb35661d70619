from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "pairs.outreach"
    label = "outreach"
