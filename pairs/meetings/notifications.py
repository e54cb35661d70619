"""Emails about rencontres, composed in French and stored in the outbox.

Every function here is called inside the transaction of the change it reports
(registration, promotion, cancellation…): the email is written with the change
or not at all. Keys make the ones that could be asked twice idempotent:
reminders (``reminder:<registration>:<offset>:<start>``) and change notices
(``change:<rencontre>:<sequence>:<member>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pairs.core.emails import email_enqueue
from pairs.core.links import site_url
from pairs.members.models import Member

from .calendar import PARIS, place_line, rencontre_ics
from .links import invitation_link, rencontre_link
from .models import Invitation, Mode, Rencontre


@dataclass(frozen=True)
class Action:
    label: str
    url: str


def rencontre_when(rencontre: Rencontre) -> str:
    start = timezone.localtime(rencontre.starts_at, PARIS)
    end = timezone.localtime(rencontre.ends_at, PARIS)
    day = formats.date_format(start, "l j F Y")
    if start.date() == end.date():
        return _("%(day)s, de %(start)s à %(end)s (heure de Paris)") % {
            "day": day,
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
    return _("du %(start)s au %(end)s (heure de Paris)") % {
        "start": formats.date_format(start, "l j F Y H:i"),
        "end": formats.date_format(end, "l j F Y H:i"),
    }


def rencontre_where(rencontre: Rencontre) -> str:
    parts = []
    if rencontre.place is not None and rencontre.mode != Mode.VIDEO:
        parts.append(place_line(rencontre.place))
    if rencontre.video_url and rencontre.mode != Mode.IN_PERSON:
        parts.append(_("En visio : %(url)s") % {"url": rencontre.video_url})
    return " · ".join(parts)


def _send(
    *,
    member: Member,
    rencontre: Rencontre,
    subject: str,
    paragraphs: list[str],
    actions: list[Action] = (),  # type: ignore[assignment]
    attach_ics: bool = False,
    key: str | None = None,
) -> bool:
    with translation.override("fr"):
        context = {
            "member": member,
            "rencontre": rencontre,
            "subject": subject,
            "paragraphs": paragraphs,
            "actions": list(actions),
            "when": rencontre_when(rencontre),
            "where": rencontre_where(rencontre),
            "attachment": attach_ics,
            "preferences_url": f"{site_url()}{reverse('privacy:home')}",
        }
        text = render_to_string("meetings/email/notice.txt", context)
        html = render_to_string("meetings/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Rencontres entre Pairs] {subject}", body=text, to=[member.email]
    )
    message.attach_alternative(html, "text/html")
    if attach_ics:
        message.attach("rencontre.ics", rencontre_ics(rencontre), "text/calendar; charset=utf-8")
    return email_enqueue(message=message, key=key) is not None


def _detail_action(rencontre: Rencontre) -> Action:
    return Action(label=_("Voir la rencontre"), url=rencontre_link(rencontre))


def notify_registered(*, member: Member, rencontre: Rencontre) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Inscription confirmée : %(title)s") % {"title": rencontre.title},
            paragraphs=[_("Votre inscription est confirmée. Nous vous attendons !")],
            actions=[_detail_action(rencontre)],
            attach_ics=True,
        )


def notify_waitlisted(*, member: Member, rencontre: Rencontre, rank: int) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Liste d'attente : %(title)s") % {"title": rencontre.title},
            paragraphs=[
                _(
                    "La rencontre est complète : vous êtes en position %(rank)d sur la liste d'attente. "
                    "Si une place se libère, vous serez inscrit·e automatiquement et prévenu·e par email."
                )
                % {"rank": rank}
            ],
            actions=[_detail_action(rencontre)],
        )


def notify_promoted(*, member: Member, rencontre: Rencontre) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Une place s'est libérée : %(title)s") % {"title": rencontre.title},
            paragraphs=[
                _(
                    "Bonne nouvelle : une place s'est libérée et vous êtes maintenant inscrit·e. "
                    "Si vous ne pouvez plus venir, désinscrivez-vous pour laisser la place à la personne suivante."
                )
            ],
            actions=[_detail_action(rencontre)],
            attach_ics=True,
        )


def notify_removed(*, member: Member, rencontre: Rencontre) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Votre inscription est annulée : %(title)s") % {"title": rencontre.title},
            paragraphs=[
                _(
                    "L'équipe organisatrice a retiré votre inscription à cette rencontre. Pour toute question, répondez à votre consultant·e Apec."
                )
            ],
        )


def notify_changed(*, member: Member, rencontre: Rencontre, changes: list[str]) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Changement : %(title)s") % {"title": rencontre.title},
            paragraphs=[_("La rencontre à laquelle vous êtes inscrit·e a changé :"), *changes],
            actions=[_detail_action(rencontre)],
            attach_ics=True,
            key=f"change:{rencontre.pk}:{rencontre.sequence}:{member.pk}",
        )


def notify_cancelled(*, member: Member, rencontre: Rencontre) -> bool:
    with translation.override("fr"):
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Rencontre annulée : %(title)s") % {"title": rencontre.title},
            paragraphs=[
                _("Nous sommes désolés : cette rencontre est annulée."),
                _("Motif : %(reason)s") % {"reason": rencontre.cancel_reason},
            ],
            attach_ics=True,
            key=f"cancel:{rencontre.pk}:{member.pk}",
        )


def notify_reminder(*, member: Member, rencontre: Rencontre, registration_id: int, offset: timedelta) -> bool:
    with translation.override("fr"):
        if offset >= timedelta(days=1):
            lead = _("dans %(days)d jours") % {"days": offset.days} if offset.days > 1 else _("demain")
        else:
            lead = _("dans %(hours)d heures") % {"hours": int(offset.total_seconds() // 3600)}
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Rappel : %(title)s, %(lead)s") % {"title": rencontre.title, "lead": lead},
            paragraphs=[
                _("Petit rappel : votre rencontre a lieu %(lead)s.") % {"lead": lead},
                _("Si vous ne pouvez plus venir, désinscrivez-vous pour laisser votre place."),
            ],
            actions=[_detail_action(rencontre)],
            attach_ics=True,
            key=f"reminder:{registration_id}:{int(offset.total_seconds())}:{rencontre.starts_at.isoformat()}",
        )


def notify_invited(*, invitation: Invitation) -> bool:
    rencontre, member = invitation.rencontre, invitation.member
    inviter = invitation.invited_by
    with translation.override("fr"):
        who = str(inviter) if inviter is not None else _("L'équipe Apec")
        return _send(
            member=member,
            rencontre=rencontre,
            subject=_("Invitation : %(title)s") % {"title": rencontre.title},
            paragraphs=[
                _("%(who)s vous invite à cette rencontre entre pairs.") % {"who": who},
                rencontre.description,
                _("Répondez en un clic, sans mot de passe :"),
            ],
            actions=[
                Action(
                    label=_("J'accepte et je m'inscris"), url=invitation_link(invitation, answer="accept")
                ),
                Action(label=_("Je décline"), url=invitation_link(invitation, answer="decline")),
            ],
            key=f"invitation:{invitation.pk}",
        )
