"""The introduction email of a pairing, one per person, in French, stored in the outbox.

Called inside the round's transaction; the key ``coffee:<pairing>:<member>`` makes it
idempotent. It says who (first name, situation, step, job), why (the engine's reasons,
seen by the recipient), how (suggested format and slot) and how to answer.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pairs.core.emails import email_enqueue
from pairs.core.links import site_url
from pairs.members.topics import availability_label

from .links import answer_link, home_link
from .models import CoffeePairing, CoffeeParticipant, MeetingFormat
from .selectors import coffee_emails_revealed

PARIS = ZoneInfo("Europe/Paris")


def format_sentence(pairing: CoffeePairing) -> str:
    if pairing.format == MeetingFormat.VIDEO:
        return _(
            "En visio, une trentaine de minutes : l'un·e de vous envoie un lien (Teams, Zoom, Jitsi…) à l'autre."
        )
    if pairing.departement is not None:
        return _("Autour d'un café, dans un lieu public près de chez vous, dans le département %(dep)s.") % {
            "dep": pairing.departement.label
        }
    return _("Autour d'un café, dans un lieu public à mi-chemin, à convenir ensemble.")


def slot_sentence(pairing: CoffeePairing) -> str:
    if pairing.slot:
        return _("Créneau suggéré, d'après vos disponibilités communes : %(slot)s.") % {
            "slot": str(availability_label(pairing.slot)).lower()
        }
    return _("Vous n'avez pas de disponibilité commune déclarée : proposez deux ou trois créneaux.")


def _describe(other: CoffeeParticipant) -> str:
    member = other.member
    parts = [
        member.first_name,
        member.get_situation_display(),
        _("étape : %(p)s") % {"p": member.get_phase_display()},
    ]
    if member.current_job is not None:
        parts.append(member.current_job.label)
    return " · ".join(str(p) for p in parts)


def notify_pairing(*, pairing: CoffeePairing) -> int:
    """Enqueue the introduction email of each person of the pairing; returns how many were stored."""
    people = list(
        pairing.participants.select_related("member__current_job", "member__departement").order_by("id")
    )
    sent = 0
    for participant in people:
        others = [p for p in people if p.pk != participant.pk]
        emails = coffee_emails_revealed(participant=participant, others=others)
        with translation.override("fr"):
            month = formats.date_format(timezone.localtime(pairing.round.started_at, PARIS), "F Y")
            names = ", ".join(o.member.first_name for o in others)
            context = {
                "member": participant.member,
                "subject": _("Votre café entre pairs (%(month)s) : %(names)s")
                % {"month": month, "names": names},
                "trio": len(others) > 1,
                "others": [
                    {
                        "description": _describe(o),
                        "reasons": (participant.reasons or {}).get(str(o.member_id), []),
                        "email": emails.get(o.member_id, ""),
                        "first_name": o.member.first_name,
                    }
                    for o in others
                ],
                "format": format_sentence(pairing),
                "slot": slot_sentence(pairing),
                "met_url": answer_link(participant, answer="met"),
                "not_met_url": answer_link(participant, answer="not_met"),
                "home_url": home_link(),
                "preferences_url": f"{site_url()}{reverse('privacy:home')}",
            }
            text = render_to_string("coffee/email/intro.txt", context)
            html = render_to_string("coffee/email/intro.html", context)
        message = EmailMultiAlternatives(
            subject=f"[Rencontres entre Pairs] {context['subject']}", body=text, to=[participant.member.email]
        )
        message.attach_alternative(html, "text/html")
        if email_enqueue(message=message, key=f"coffee:{pairing.pk}:{participant.member_id}") is not None:
            sent += 1
    return sent
