from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("restons-en-contact/", views.signup, name="signup"),
    path("restons-en-contact/merci/", views.signup_sent, name="signup_sent"),
    path("restons-en-contact/confirmer/<str:token>/", views.signup_confirm_view, name="signup_confirm"),
    path(
        "restons-en-contact/desinscription/<str:token>/",
        views.signup_unsubscribe_view,
        name="signup_unsubscribe",
    ),
    path("restons-en-contact/inscriptions/", views.signup_list, name="signup_list"),
    path("restons-en-contact/inscriptions/export/", views.signup_export, name="signup_export"),
    path(
        "restons-en-contact/inscriptions/<int:signup_id>/inviter/", views.signup_invite, name="signup_invite"
    ),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("confidentialite/", views.privacy_policy, name="privacy_policy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
