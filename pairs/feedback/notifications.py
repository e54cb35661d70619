"""Emails after the rencontre: the feedback request, the mutual connection, the outcome survey.

Each one is stored in the outbox with a key, inside the caller's transaction:
asking twice (a periodic task running again, two workers) sends it once.
None of them carries anybody's contact details: a connection email names the
other person and points to "Mon réseau", where details are shown after login
and only while consent (b) holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pairs.core.emails import email_enqueue
from pairs.meetings.models import Registration, Rencontre
from pairs.meetings.notifications import rencontre_when
from pairs.members.models import Member

from .links import absolute, feedback_link, outcome_link
from .models import Connection, OutcomeSurvey


@dataclass(frozen=True)
class Action:
    label: str
    url: str


def _send(
    *,
    member: Member,
    subject: str,
    paragraphs: list[str],
    actions: list[Action],
    key: str,
    rencontre: Rencontre | None = None,
) -> bool:
    with translation.override("fr"):
        context = {
            "member": member,
            "subject": subject,
            "paragraphs": paragraphs,
            "actions": actions,
            "rencontre": rencontre,
            "when": rencontre_when(rencontre) if rencontre is not None else "",
            "preferences_url": absolute(reverse("privacy:home")),
        }
        text = render_to_string("feedback/email/message.txt", context)
        html = render_to_string("feedback/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Rencontres entre Pairs] {subject}", body=text, to=[member.email]
    )
    message.attach_alternative(html, "text/html")
    return email_enqueue(message=message, key=key) is not None


def feedback_request_key(registration_id: int) -> str:
    return f"feedback:{registration_id}"


def notify_feedback_request(*, registration: Registration) -> bool:
    rencontre = registration.rencontre
    with translation.override("fr"):
        return _send(
            member=registration.member,
            rencontre=rencontre,
            subject=_("Votre avis sur « %(title)s »") % {"title": rencontre.title},
            paragraphs=[
                _("Merci d'être venu·e à cette rencontre entre pairs."),
                _(
                    "En deux minutes, dites-nous ce qu'elle vous a apporté et, si vous le souhaitez, avec qui "
                    "vous aimeriez rester en contact : vos coordonnées ne sont partagées que si l'envie est "
                    "réciproque."
                ),
                _("Le lien fonctionne sans mot de passe ; votre avis reste modifiable 7 jours."),
            ],
            actions=[Action(label=_("Donner mon avis"), url=feedback_link(registration))],
            key=feedback_request_key(registration.pk),
        )


def notify_connection(*, connection: Connection, member: Member, other: Member) -> bool:
    with translation.override("fr"):
        rencontre = connection.rencontre
        if rencontre is not None:
            lead = _("%(name)s et vous souhaitez rester en contact après la rencontre « %(title)s ».") % {
                "name": f"{other.first_name} {other.last_name}",
                "title": rencontre.title,
            }
        else:
            lead = _("%(name)s et vous souhaitez rester en contact.") % {
                "name": f"{other.first_name} {other.last_name}"
            }
        return _send(
            member=member,
            subject=_("Vous restez en contact avec %(name)s") % {"name": other.first_name},
            paragraphs=[
                lead,
                _(
                    "Retrouvez les coordonnées que cette personne a choisi de partager dans « Mon réseau », "
                    "après connexion."
                ),
            ],
            actions=[Action(label=_("Voir mon réseau"), url=absolute(reverse("feedback:network")))],
            key=f"connection:{connection.pk}:{member.pk}",
        )


def notify_outcome_survey(*, survey: OutcomeSurvey) -> bool:
    with translation.override("fr"):
        return _send(
            member=survey.member,
            subject=_("Où en êtes-vous, %(months)d mois après votre première rencontre ?")
            % {"months": survey.wave},
            paragraphs=[
                _(
                    "Il y a %(months)d mois, vous participiez à votre première rencontre entre pairs. "
                    "Trois questions, une minute : où en êtes-vous aujourd'hui ?"
                )
                % {"months": survey.wave},
                _(
                    "Vos réponses nous aident à organiser des rencontres plus utiles ; si votre situation a "
                    "changé, vous pourrez aussi mettre votre profil à jour en un clic."
                ),
            ],
            actions=[Action(label=_("Répondre"), url=outcome_link(survey))],
            key=f"outcome:{survey.pk}",
        )
