"""Forms after the rencontre: plain fields, French labels, accessible errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Member
from pairs.onboarding.forms import AccessibleForm

from .models import Feedback, OutcomeResult, SharedDetails

YES_NO_CHOICES = [("yes", _("Oui")), ("no", _("Non")), ("", _("Je ne sais pas"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _from_bool(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")  # type: ignore[call-overload]


def _scale(low: int, high: int) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in range(low, high + 1)]


class FeedbackForm(AccessibleForm):
    satisfaction = forms.TypedChoiceField(
        label=_(
            "Dans l'ensemble, êtes-vous satisfait·e de cette rencontre ? (1 : pas du tout, 5 : tout à fait)"
        ),
        choices=_scale(1, 5),
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("Cette rencontre est-elle utile pour votre transition ? (1 : pas du tout, 5 : très utile)"),
        choices=_scale(1, 5),
        coerce=int,
        widget=forms.RadioSelect,
    )
    nps = forms.TypedChoiceField(
        label=_(
            "Recommanderiez-vous ces rencontres à un·e collègue dans votre situation ? "
            "(0 : certainement pas, 10 : certainement)"
        ),
        choices=_scale(0, 10),
        coerce=int,
        widget=forms.RadioSelect,
    )
    format_suited = forms.ChoiceField(
        label=_("Le format de la rencontre vous convenait-il ?"),
        choices=YES_NO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    would_come_again = forms.ChoiceField(
        label=_("Reviendriez-vous à une rencontre de ce type ?"),
        choices=YES_NO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    takeaway = forms.CharField(
        label=_("Ce que je retiens"),
        help_text=_(
            "Facultatif. L'équipe organisatrice lit ces textes sans votre nom : n'y mettez pas d'information "
            "qui permettrait de vous reconnaître."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @classmethod
    def initial_from(cls, feedback: Feedback | None) -> dict[str, Any]:
        if feedback is None:
            return {}
        return {
            "satisfaction": str(feedback.satisfaction),
            "usefulness": str(feedback.usefulness),
            "nps": str(feedback.nps),
            "format_suited": _from_bool(feedback.format_suited),
            "would_come_again": _from_bool(feedback.would_come_again),
            "takeaway": feedback.takeaway,
        }

    def answer(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "satisfaction": data["satisfaction"],
            "usefulness": data["usefulness"],
            "nps": data["nps"],
            "format_suited": _yes_no(data["format_suited"]),
            "would_come_again": _yes_no(data["would_come_again"]),
            "takeaway": data["takeaway"],
        }


def attendee_label(member: Member) -> str:
    """First name and initial: enough to recognise someone met in the room, no more."""
    initial = f" {member.last_name[:1]}." if member.last_name else ""
    return f"{member.first_name}{initial}"


class ContactWishForm(AccessibleForm):
    wanted = forms.TypedMultipleChoiceField(
        label=_("Avec qui aimeriez-vous rester en contact ?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Vous ne pouvez choisir que des personnes venues à cette rencontre.")
        },
        help_text=_(
            "Ces personnes ne voient pas votre choix. Si l'une d'elles vous choisit aussi, vous verrez toutes "
            "les deux les coordonnées que l'autre a choisi de partager."
        ),
    )

    def __init__(self, *args: Any, attendees: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [(m.pk, attendee_label(m)) for m in attendees]  # type: ignore[attr-defined]


class SharedDetailsForm(AccessibleForm):
    email = forms.BooleanField(label=_("Mon adresse email"), required=False)
    phone = forms.BooleanField(label=_("Mon téléphone"), required=False)
    linkedin = forms.BooleanField(label=_("Mon profil LinkedIn"), required=False)

    @classmethod
    def initial_from(cls, details: SharedDetails) -> dict[str, bool]:
        return {"email": details.email, "phone": details.phone, "linkedin": details.linkedin}


class OutcomeForm(AccessibleForm):
    result = forms.ChoiceField(
        label=_("Où en êtes-vous aujourd'hui ?"), choices=OutcomeResult.choices, widget=forms.RadioSelect
    )
    network_helped = forms.ChoiceField(
        label=_("Le réseau de pairs vous a-t-il aidé·e ?"),
        choices=YES_NO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    would_help_others = forms.ChoiceField(
        label=_("Aideriez-vous quelqu'un qui se trouve dans votre situation d'avant ?"),
        choices=YES_NO_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Précisions"),
        help_text=_("Facultatif : votre nouveau poste, la formation suivie, ce qui vous a aidé·e…"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def answer(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "result": data["result"],
            "network_helped": _yes_no(data["network_helped"]),
            "would_help_others": _yes_no(data["would_help_others"]),
            "detail": data["detail"],
        }
