"""Forms of the member page: add to my contacts, write a private note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NOTE_MAX_LENGTH, ContactBasis


class DescribedForm(forms.Form):
    """Each field names its help text and, once invalid, its error message
    (aria-describedby, aria-invalid): screen readers hear why a field is refused."""

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe()

    def _describe(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described = [f"{auto_id}_helptext"] if field.help_text else []
            if name in errors:
                described.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class ContactAddForm(DescribedForm):
    basis = forms.ChoiceField(
        label=_("Origine du contact"),
        choices=[("", _("— Choisissez —")), *ContactBasis.choices],
        error_messages={
            "required": _("Origine du contact : choisissez comment vous connaissez ce membre."),
            "invalid_choice": _("Origine du contact : choisissez une origine de la liste."),
        },
    )
    basis_detail = forms.CharField(
        label=_("Précision (facultatif)"),
        required=False,
        max_length=250,
        help_text=_("Par exemple : le nom de l'atelier ou la date de l'entretien."),
        error_messages={
            "max_length": _("Précision : 250 caractères au plus (vous en avez saisi %(show_value)d)."),
        },
    )


class NoteForm(DescribedForm):
    text = forms.CharField(
        label=_("Texte de la note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Visible par vous seul·e. 5000 caractères au plus."),
        error_messages={
            "required": _("Texte de la note : saisissez un texte, la note est vide."),
            "max_length": _(
                "Texte de la note : 5000 caractères au plus (vous en avez saisi %(show_value)d)."
            ),
        },
    )
