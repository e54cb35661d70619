from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Rencontres entre Pairs — administration")
admin.site.site_title = _("Rencontres entre Pairs")

urlpatterns = [
    path("", include("pairs.core.urls")),
    path("membres/", include("pairs.members.urls")),
    path("delegations/", include("pairs.network.urls")),
    path("contacts/", include("pairs.contacts.urls")),
    path("bienvenue/", include("pairs.onboarding.urls")),
    path("imports/", include("pairs.imports.urls")),
    path("rencontres/", include("pairs.meetings.urls")),
    path("pour-vous/", include("pairs.recommendations.urls")),
    path("cafe-entre-pairs/", include("pairs.coffee.urls")),
    path("plans-de-table/", include("pairs.seating.urls")),
    path("mes-donnees/", include("pairs.privacy.urls")),
    path("apres-la-rencontre/", include("pairs.feedback.urls")),
    path("tableau-de-bord/", include("pairs.insights.urls")),
    path("", include("pairs.outreach.urls")),
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "pairs.core.views.permission_denied"
handler404 = "pairs.core.views.page_not_found"
