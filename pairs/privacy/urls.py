from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.home, name="home"),
    path("consentements/", views.consent, name="consent"),
    path("export/", views.export, name="export"),
    path("effacement/", views.erase, name="erase"),
    path("journal/", views.audit, name="audit"),
]
