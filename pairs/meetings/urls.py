from django.urls import path

from . import views, views_day, views_lists

app_name = "meetings"
urlpatterns = [
    # Members and everyone: lists and a rencontre's page.
    path("", views_lists.rencontre_list, name="list"),
    path("mes-rencontres/", views_lists.my_rencontres, name="my_rencontres"),
    path("<int:rencontre_id>/", views.rencontre_detail, name="detail"),
    path("<int:rencontre_id>/inscription/", views.register, name="register"),
    path("<int:rencontre_id>/desinscription/", views.unregister, name="unregister"),
    path("<int:rencontre_id>/calendrier.ics", views.rencontre_ics_download, name="ics"),
    path("invitation/<str:token>/<str:answer>/", views.invitation_answer_view, name="invitation_answer"),
    path("agenda/", views.calendar_feed_manage, name="feed_manage"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="feed"),
    path(
        "delegation/<slug:delegation_code>/rencontres.ics",
        views.delegation_public_feed,
        name="delegation_feed",
    ),
    # Consultants.
    path("organiser/", views_lists.consultant_rencontres, name="consultant_rencontres"),
    path("nouvelle/", views.rencontre_create_view, name="create"),
    path("<int:rencontre_id>/modifier/", views.rencontre_edit_view, name="edit"),
    path("<int:rencontre_id>/publier/", views.rencontre_publish_view, name="publish"),
    path("<int:rencontre_id>/annuler/", views.rencontre_cancel_view, name="cancel"),
    path("<int:rencontre_id>/inviter/", views.invite, name="invite"),
    path("<int:rencontre_id>/participants/", views.participants, name="participants"),
    path(
        "<int:rencontre_id>/participants/<int:registration_id>/retirer/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:rencontre_id>/participants/ajouter/", views.participant_add, name="participant_add"),
    # On the day.
    path("<int:rencontre_id>/accueil/", views_day.checkin, name="checkin"),
    path("<int:rencontre_id>/accueil/<int:registration_id>/", views_day.checkin_mark, name="checkin_mark"),
    path("<int:rencontre_id>/accueil/sur-place/", views_day.walk_in, name="walk_in"),
    path("<int:rencontre_id>/emargement/", views_day.attendance_sheet, name="attendance_sheet"),
    path(
        "delegation/<slug:delegation_code>/calendrier/",
        views_lists.delegation_calendar,
        name="delegation_calendar",
    ),
]
