from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "pairs.imports"
    label = "imports"
