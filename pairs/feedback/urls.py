from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("avis/<str:token>/", views.answer, name="answer"),
    path("avis/<str:token>/rester-en-contact/", views.answer_contacts, name="answer_contacts"),
    path("rencontre/<int:rencontre_id>/avis/", views.my_feedback, name="my_feedback"),
    path("rencontre/<int:rencontre_id>/rester-en-contact/", views.contacts, name="contacts"),
    path("rencontre/<int:rencontre_id>/resultats/", views.results, name="results"),
    path("mon-reseau/", views.network, name="network"),
    path("suivi/<str:token>/", views.outcome, name="outcome"),
    path("apprentissage/", views.learning, name="learning"),
]
