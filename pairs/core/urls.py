from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sources-des-donnees/", views.data_sources, name="data_sources"),
    path("sante/", views.health, name="health"),
]
