from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "pairs.network"
    label = "network"
