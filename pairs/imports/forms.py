from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .parsing import MAX_FILE_BYTES
from .validation import FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de contacts"),
        help_text=_("CSV (séparateur ; ou ,) ou Excel .xlsx, 50 000 lignes et 20 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo : découpez-le en plusieurs fichiers."))
        return upload


class MappingForm(forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— Ne pas importer —"))] + [
            (str(index), header or _("Colonne %(n)d sans titre") % {"n": index + 1})
            for index, header in enumerate(headers)
        ]
        for spec in FIELDS:
            self.fields[spec.key] = forms.TypedChoiceField(
                label=spec.label,
                help_text=spec.help,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            # Checked by the service (a clear message per field), shown in the label.
            self.fields[spec.key].required_in_file = spec.required  # type: ignore[attr-defined]

    def mapping(self) -> dict[str, int | None]:
        return {spec.key: self.cleaned_data.get(spec.key) for spec in FIELDS}
