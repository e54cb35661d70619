from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "pairs.contacts"
    label = "contacts"
