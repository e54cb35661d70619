from django.urls import path

from . import views

app_name = "seating"
urlpatterns = [
    path("<int:rencontre_id>/", views.plan, name="plan"),
    path("<int:rencontre_id>/recalculer/", views.replan, name="replan"),
    path("<int:rencontre_id>/cartes/", views.cards, name="cards"),
    path("<int:rencontre_id>/ecran/", views.screen, name="screen"),
]
