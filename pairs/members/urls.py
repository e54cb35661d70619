from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("mon-profil/", views.my_profile, name="my_profile"),
]
