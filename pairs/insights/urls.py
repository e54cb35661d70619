from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("national/", views.national, name="national"),
    path("national/export/", views.national_export, name="national_export"),
    path("delegations/<slug:delegation_code>/", views.delegation, name="delegation"),
    path("delegations/<slug:delegation_code>/export/", views.delegation_export, name="delegation_export"),
    path("mes-rencontres/", views.own, name="own"),
    path("mes-rencontres/export/", views.own_export, name="own_export"),
    path("vagues/", views.waves, name="waves"),
    path("vagues/export/", views.waves_export, name="waves_export"),
    path("vagues/nouvelle/", views.wave_create, name="wave_create"),
    path("vagues/<int:wave_id>/modifier/", views.wave_edit, name="wave_edit"),
]
