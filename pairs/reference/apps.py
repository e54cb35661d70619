from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "pairs.reference"
    label = "reference"
