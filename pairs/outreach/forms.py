"""Forms of the public side. Every limit has its own French message, and fields in error
point to it (``AccessibleForm``: aria-describedby, aria-invalid)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairs.network.models import Delegation
from pairs.onboarding.forms import AccessibleForm
from pairs.reference.models import Departement

from .models import MESSAGE_MAX_LENGTH, REPORT_MAX_LENGTH, Profile, Wish
from .selectors import SignupFilters
from .texts import SIGNUP_CONSENT_TEXT

# The honeypot: a field people never see nor reach; a bot filling every field reveals itself.
HONEYPOT_FIELD = "site_web"

EMAIL_INVALID = _("Adresse email invalide : vérifiez-la (exemple : prenom.nom@exemple.fr).")


# Django's length validator fills in the limit and the length typed.
TOO_LONG = _("Ce champ accepte %(limit_value)d caractères au plus (vous en avez saisi %(show_value)d).")


class PublicForm(AccessibleForm):
    """Help texts are announced with their field, and the browser never cuts what is typed:
    an overlong answer comes back whole with its error (no maxlength attribute)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("maxlength", None)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"


class HoneypotMixin(forms.Form):
    site_web = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class SignupForm(HoneypotMixin, PublicForm):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Indiquez votre prénom."), "max_length": TOO_LONG},
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Indiquez votre nom."), "max_length": TOO_LONG},
    )
    email = forms.EmailField(
        label=_("Adresse email"),
        max_length=254,
        help_text=_("Nous vous enverrons un lien pour la confirmer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse email."),
            "invalid": EMAIL_INVALID,
            "max_length": TOO_LONG,
        },
    )
    profile = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=Profile.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez ce qui vous décrit le mieux."),
            "invalid_choice": _("Choisissez un profil dans la liste."),
        },
    )
    departement = forms.ModelChoiceField(
        label=_("Votre département"),
        queryset=Departement.objects.order_by("code"),
        empty_label=_("— Choisir un département —"),
        help_text=_("Pour vous parler des rencontres proches de chez vous."),
        error_messages={
            "required": _("Choisissez votre département."),
            "invalid_choice": _("Ce département n'existe pas : choisissez-en un dans la liste."),
        },
    )
    wishes = forms.MultipleChoiceField(
        label=_("Vous souhaitez"),
        choices=Wish.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Cochez au moins un souhait."),
            "invalid_choice": _("Souhait inconnu : %(value)s. Cochez des cases de la liste."),
        },
    )
    message = forms.CharField(
        label=_("Votre message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Facultatif. 2 000 caractères au plus."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": TOO_LONG},
    )
    # The checkbox's visible label is this exact text (stored with the sign-up);
    # the short label names the field in the error summary.
    consent_text = SIGNUP_CONSENT_TEXT
    consent = forms.BooleanField(
        label=_("Votre accord"),
        error_messages={"required": _("Cochez cette case pour que nous puissions garder vos informations.")},
    )


class AccessibilityReportForm(HoneypotMixin, PublicForm):
    page_url = forms.CharField(
        label=_("Page concernée"),
        required=False,
        max_length=500,
        help_text=_("Facultatif. L'adresse ou le titre de la page."),
        error_messages={"max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("Le problème rencontré"),
        max_length=REPORT_MAX_LENGTH,
        help_text=_(
            "Ce que vous cherchiez à faire, ce qui vous en a empêché, et si possible votre navigateur "
            "et votre aide technique (lecteur d'écran, loupe…)."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Décrivez le problème rencontré."),
            "max_length": TOO_LONG,
        },
    )
    name = forms.CharField(
        label=_("Votre nom"),
        required=False,
        max_length=100,
        help_text=_("Facultatif."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": TOO_LONG},
    )
    email = forms.EmailField(
        label=_("Votre adresse email"),
        required=False,
        max_length=254,
        help_text=_("Facultatif : pour que nous puissions vous répondre."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": EMAIL_INVALID, "max_length": TOO_LONG},
    )


STATUS_CHOICES = [
    ("", _("Toutes")),
    ("confirmed", _("Adresse confirmée")),
    ("unconfirmed", _("En attente de confirmation")),
]


class SignupFilterForm(forms.Form):
    profile = forms.ChoiceField(
        label=_("Profil"), required=False, choices=[("", _("Tous")), *Profile.choices]
    )
    wish = forms.ChoiceField(label=_("Souhait"), required=False, choices=[("", _("Tous")), *Wish.choices])
    departement = forms.ModelChoiceField(
        label=_("Département"),
        required=False,
        queryset=Departement.objects.order_by("code"),
        empty_label=_("Tous"),
    )
    delegation = forms.ModelChoiceField(
        label=_("Délégation"),
        required=False,
        queryset=Delegation.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Toutes"),
    )
    status = forms.ChoiceField(label=_("Adresse email"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, show_delegation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_delegation:
            # Delegation staff only see their own delegation: the filter would be noise.
            del self.fields["delegation"]

    def filters(self) -> SignupFilters:
        if not self.is_valid():
            return SignupFilters()
        data = self.cleaned_data
        departement = data.get("departement")
        delegation = data.get("delegation")
        return SignupFilters(
            profile=data.get("profile") or "",
            wish=data.get("wish") or "",
            departement=departement.code if departement else "",
            delegation=delegation.code if delegation else "",
            status=data.get("status") or "",
        )
