from django.urls import path

from . import views

app_name = "coffee"
urlpatterns = [
    # Members.
    path("", views.home, name="home"),
    path("participer/", views.opt_in, name="opt_in"),
    path("arreter/", views.opt_out, name="opt_out"),
    path("binome/<int:participant_id>/reponse/<str:answer>/", views.outcome, name="outcome"),
    path("binome/<int:participant_id>/partage/", views.share, name="share"),
    # Signed link from the email, no login.
    path("reponse/<str:token>/<str:answer>/", views.answer, name="answer"),
    # Staff.
    path("equipe/", views.staff_index, name="staff"),
    path("equipe/<slug:delegation_code>/", views.rounds, name="rounds"),
    path("equipe/<slug:delegation_code>/lancer/", views.run, name="run"),
]
