from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.start, name="start"),
    path("metiers/", views.job_search, name="job_search"),
    path("inviter/<int:member_id>/", views.invite, name="invite"),
    path("activer/<str:token>/", views.activate, name="activate"),
    path("profil/situation/", views.profile_situation, name="profile_situation"),
    path("profil/attentes/", views.profile_interests, name="profile_interests"),
    path("profil/rencontres/", views.profile_meetings, name="profile_meetings"),
]
