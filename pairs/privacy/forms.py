from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentKind, ProfileAction


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consentement"), choices=ConsentKind.choices)
    granted = forms.TypedChoiceField(
        label=_("Choix"),
        choices=[("1", _("Accorder")), ("0", _("Retirer"))],
        coerce=lambda value: value == "1",
    )


class EraseConfirmForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Pour confirmer, saisissez votre adresse email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, expected_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_email = expected_email

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"]
        if value.strip().lower() != self.expected_email.strip().lower():
            raise forms.ValidationError(
                _(
                    "Adresse email de confirmation : elle ne correspond pas à l'adresse de votre compte. "
                    "Saisissez-la exactement pour confirmer l'effacement."
                ),
                code="confirmation_mismatch",
            )
        return value


class AuditFilterForm(forms.Form):
    member_email = forms.CharField(label=_("Email du membre"), required=False, max_length=254)
    actor_email = forms.CharField(label=_("Email de l'auteur·rice"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Toutes")), *ProfileAction.choices]
    )
