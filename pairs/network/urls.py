from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.delegation_list, name="delegation_list"),
    path("<slug:delegation_code>/", views.delegation_detail, name="delegation_detail"),
]
