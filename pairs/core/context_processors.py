"""Template context shared by every page: the navigation for the viewer's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from pairs.accounts.models import STAFF_ROLES, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = [(reverse("core:home"), _("Accueil"))]
    if user is not None and user.is_authenticated:
        if user.role == Role.MEMBER:
            items.append((reverse("members:my_profile"), _("Mon profil")))
            items.append((reverse("privacy:home"), _("Mes données")))
        if user.role in STAFF_ROLES:
            items.append((reverse("members:list"), _("Membres")))
            items.append((reverse("contacts:list"), _("Contacts")))
            items.append((reverse("imports:home"), _("Importer")))
            items.append((reverse("network:delegation_list"), _("Délégations")))
        if user.role in (Role.NATIONAL, Role.ADMIN):
            items.append((reverse("privacy:audit"), _("Journal des accès")))
        if user.is_staff:
            items.append((reverse("admin:index"), _("Administration")))
    current = request.path
    return {"nav_items": [{"url": url, "label": label, "current": url == current} for url, label in items]}
