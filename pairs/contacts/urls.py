from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="list"),
    path("membres/<int:member_id>/", views.member_detail, name="member_detail"),
    path("membres/<int:member_id>/contact/", views.contact_add_view, name="contact_add"),
    path("membres/<int:member_id>/contact/retirer/", views.contact_remove_view, name="contact_remove"),
    path("membres/<int:member_id>/notes/", views.note_create_view, name="note_create"),
    path("membres/<int:member_id>/notes/<int:note_id>/", views.note_update_view, name="note_update"),
    path(
        "membres/<int:member_id>/notes/<int:note_id>/supprimer/",
        views.note_delete_view,
        name="note_delete",
    ),
]
