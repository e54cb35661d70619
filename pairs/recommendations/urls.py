from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("personnes/", views.people, name="people"),
    path("personnes/<int:member_id>/pas-interesse/", views.dismiss, name="dismiss"),
    path("personnes/actualiser/", views.refresh, name="refresh"),
    path("ponderations/", views.weights, name="weights"),
    path("ponderations/<int:weight_set_id>/activer/", views.weights_activate, name="weights_activate"),
    path("ponderations/calcul/", views.batch_run, name="batch_run"),
]
