"""The three profile steps. Forms check the shape of what was typed; the members
services check the rest, and their errors are put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pairs.members.models import FREE_TEXT_MAX_LENGTH, MAX_TARGET_JOBS, Phase, Situation
from pairs.members.selectors import topic_list_active
from pairs.members.topics import AVAILABILITY_SLOTS, DAY_PARTS, WEEKDAYS, availability_label
from pairs.privacy.models import ConsentKind
from pairs.privacy.texts import consent_text_current
from pairs.reference.models import Departement, RomeMetier
from pairs.reference.selectors import metier_resolve

TOPIC_GONE = _("Cette thématique n'est plus proposée (%(value)s) : choisissez parmi la liste affichée.")
TARGET_JOB_FIELDS = tuple(f"target_job_{n}" for n in range(1, MAX_TARGET_JOBS + 1))


class AccessibleForm(forms.Form):
    """Fields in error point to their message (aria-describedby), whoever found the error."""

    def add_error(self, field: str | None, error: ValidationError | str) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_errors"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs.update({"aria-describedby": " ".join(ids), "aria-invalid": "true"})

    def add_service_errors(self, error: ValidationError, *, renamed: dict[str, str] | None = None) -> None:
        """Errors raised by a service, keyed by model field, put on the form's fields."""
        renamed = renamed or {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            field = renamed.get(name, name)
            self.add_error(field if field in self.fields else None, ValidationError(messages))


def job_label(metier: RomeMetier | None) -> str:
    """How a chosen job is written back into its text box."""
    return f"{metier.label} ({metier.code})" if metier else ""


class JobField(forms.CharField):
    """A ROME job typed as a title or a code; the combobox fills in "Title (M1402)"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text",
            _("Tapez quelques lettres d'un intitulé de métier, ou son code ROME (ex. M1402)."),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> RomeMetier | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        metier, candidates = metier_resolve(text=text)
        if metier is not None:
            return metier
        if candidates:
            choices = " ; ".join(f"{title.label} ({title.metier_id})" for title in candidates)
            raise ValidationError(
                _("« %(text)s » correspond à plusieurs métiers : précisez, par exemple %(choices)s."),
                code="ambiguous_job",
                params={"text": text, "choices": choices},
            )
        raise ValidationError(
            _(
                "Aucun métier ne correspond à « %(text)s » : vérifiez l'orthographe ou saisissez un code ROME."
            ),
            code="unknown_job",
            params={"text": text},
        )


class SituationForm(AccessibleForm):
    """Step 1: who I am and where I stand."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=100, error_messages={"required": _("Indiquez votre prénom.")}
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=100, error_messages={"required": _("Indiquez votre nom.")}
    )
    situation = forms.ChoiceField(
        label=_("Ma situation"),
        choices=Situation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez votre situation.")},
    )
    phase = forms.ChoiceField(
        label=_("Où j'en suis dans ma transition"),
        choices=Phase.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez où vous en êtes dans votre transition.")},
    )
    departement = forms.ModelChoiceField(
        label=_("Mon département"),
        queryset=Departement.objects.order_by("code"),
        empty_label=_("— Choisir un département —"),
        help_text=_("Il détermine la délégation Apec qui vous accompagne."),
        error_messages={
            "required": _("Choisissez votre département : il détermine la délégation qui vous accompagne."),
            "invalid_choice": _("Ce département n'existe pas : choisissez-en un dans la liste."),
        },
    )
    current_job = JobField(label=_("Mon métier actuel ou mon dernier métier"))


class InterestsForm(AccessibleForm):
    """Step 2: what I seek and what I can offer."""

    target_job_1 = JobField(label=_("Métier visé n° 1"))
    target_job_2 = JobField(label=_("Métier visé n° 2"))
    target_job_3 = JobField(label=_("Métier visé n° 3"))
    topics_sought = forms.ModelMultipleChoiceField(
        label=_("Les sujets sur lesquels je cherche des conseils"),
        queryset=topic_list_active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": TOPIC_GONE},
    )
    topics_offered = forms.ModelMultipleChoiceField(
        label=_("Les sujets sur lesquels je peux aider"),
        queryset=topic_list_active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": TOPIC_GONE},
    )
    seeking_text = forms.CharField(
        label=_("Ce que je cherche, en quelques mots"),
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    offering_text = forms.CharField(
        label=_("Ce que je peux apporter, en quelques mots"),
        required=False,
        max_length=FREE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def target_jobs(self) -> list[RomeMetier]:
        return [self.cleaned_data[name] for name in TARGET_JOB_FIELDS if self.cleaned_data.get(name)]


def consent_field_name(kind: str) -> str:
    return f"consent_{kind}"


class MeetingsForm(AccessibleForm):
    """Step 3: how I like to meet, how to reach me, and what I agree to."""

    prefers_in_person = forms.BooleanField(label=_("En présentiel"), required=False)
    prefers_video = forms.BooleanField(label=_("En visio"), required=False)
    availability = forms.MultipleChoiceField(
        label=_("Mes disponibilités"),
        choices=[(code, availability_label(code)) for code in AVAILABILITY_SLOTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Créneau inconnu : %(value)s. Cochez des cases de la grille.")},
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=30,
        help_text=_("Facultatif. Exemple : 06 12 34 56 78."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    linkedin_url = forms.CharField(
        label=_("Profil LinkedIn"),
        required=False,
        max_length=300,
        help_text=_("Facultatif. Exemple : https://www.linkedin.com/in/votre-profil"),
        widget=forms.TextInput(attrs={"type": "url", "autocomplete": "url"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in ConsentKind.values:
            # The label is the exact text recorded with the answer (pairs/privacy/texts.py).
            self.fields[consent_field_name(kind)] = forms.BooleanField(
                label=consent_text_current(kind=kind).text, required=False
            )

    def consents(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(consent_field_name(kind))) for kind in ConsentKind.values}

    def availability_grid(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """(day label, [(slot code, part label, checked)]) for the weekday × moment grid."""
        chosen = set(self["availability"].value() or [])
        return [
            (
                day_label,
                [(f"{day}_{part}", part_label, f"{day}_{part}" in chosen) for part, part_label in DAY_PARTS],
            )
            for day, day_label in WEEKDAYS
        ]
