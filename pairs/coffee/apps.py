from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoffeeConfig(AppConfig):
    name = "pairs.coffee"
    label = "coffee"
    verbose_name = _("Café entre pairs")
