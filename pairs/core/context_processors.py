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
    if user is None or not user.is_authenticated:
        items.append((reverse("meetings:list"), _("Rencontres")))
    if user is not None and user.is_authenticated:
        if user.role == Role.MEMBER:
            items.append((reverse("meetings:my_rencontres"), _("Mes rencontres")))
            items.append((reverse("meetings:list"), _("Rencontres")))
            items.append((reverse("recommendations:people"), _("Personnes à rencontrer")))
            items.append((reverse("feedback:network"), _("Mon réseau")))
            items.append((reverse("coffee:home"), _("Café entre pairs")))
            items.append((reverse("members:my_profile"), _("Mon profil")))
            items.append((reverse("privacy:home"), _("Mes données")))
        if user.role in STAFF_ROLES:
            items.append((reverse("meetings:consultant_rencontres"), _("Rencontres")))
            consultant = getattr(user, "consultant", None)
            if consultant is not None:
                calendar = reverse(
                    "meetings:delegation_calendar", kwargs={"delegation_code": consultant.delegation.code}
                )
                items.append((calendar, _("Calendrier")))
            items.append((reverse("members:list"), _("Membres")))
            items.append((reverse("contacts:list"), _("Contacts")))
            items.append((reverse("imports:home"), _("Importer")))
            items.append((reverse("network:delegation_list"), _("Délégations")))
            items.append((reverse("coffee:staff"), _("Café entre pairs")))
            items.append((reverse("insights:home"), _("Tableau de bord")))
            items.append((reverse("outreach:signup_list"), _("Inscriptions")))
        if user.role in (Role.NATIONAL, Role.ADMIN):
            items.append((reverse("privacy:audit"), _("Journal des accès")))
            items.append((reverse("recommendations:weights"), _("Recommandations")))
            items.append((reverse("feedback:learning"), _("Apprendre des retours")))
        if user.is_staff:
            items.append((reverse("admin:index"), _("Administration")))
    current = request.path
    return {"nav_items": [{"url": url, "label": label, "current": url == current} for url, label in items]}
