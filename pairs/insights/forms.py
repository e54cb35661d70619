"""The dashboard filters and the experiment wave form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.meetings.models import Format
from pairs.members.models import Phase, Situation
from pairs.network.models import Delegation

from .models import ExperimentWave
from .selectors import StatFilters

DEFAULT_PERIOD = "12m"
ROLLING_PERIODS = (("3m", 3), ("6m", 6), ("12m", 12), ("24m", 24))


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_choices(*, today: date | None = None) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    choices = [
        ("3m", _("Les 3 derniers mois")),
        ("6m", _("Les 6 derniers mois")),
        ("12m", _("Les 12 derniers mois")),
        ("24m", _("Les 24 derniers mois")),
    ]
    for year in range(today.year, today.year - 3, -1):
        choices.append((f"annee-{year}", _("Année %(year)s") % {"year": year}))
    return [(value, str(label)) for value, label in choices]


def period_bounds(value: str, *, today: date | None = None) -> tuple[date, date]:
    """Whole calendar months (the monthly roll-up answers them): rolling periods end with the current month."""
    today = today or timezone.localdate()
    if value.startswith("annee-"):
        year = int(value.removeprefix("annee-"))
        return date(year, 1, 1), date(year, 12, 31)
    months = dict(ROLLING_PERIODS).get(value, 12)
    this_month = today.replace(day=1)
    return _add_months(this_month, 1 - months), _add_months(this_month, 1) - timedelta(days=1)


class DashboardFilterForm(forms.Form):
    periode = forms.ChoiceField(label=_("Période"), required=False)
    delegation = forms.ModelChoiceField(
        label=_("Délégation"),
        queryset=Delegation.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Toutes les délégations"),
    )
    format = forms.ChoiceField(label=_("Format"), required=False)
    situation = forms.ChoiceField(label=_("Situation"), required=False)
    etape = forms.ChoiceField(label=_("Étape de la transition"), required=False)

    def __init__(self, *args: Any, national: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = period_choices()
        self.fields["format"].choices = [("", _("Tous les formats")), *Format.choices]
        self.fields["situation"].choices = [("", _("Toutes les situations")), *Situation.choices]
        self.fields["etape"].choices = [("", _("Toutes les étapes")), *Phase.choices]
        if national:
            self.fields["delegation"].queryset = Delegation.objects.order_by("name")
        else:
            del self.fields["delegation"]

    def stat_filters(self, *, delegation_ids: tuple[int, ...] | None) -> StatFilters:
        """The filters asked for; an invalid value is ignored (a filter form never errors), the others apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        start, end = period_bounds(data.get("periode") or DEFAULT_PERIOD)
        chosen = data.get("delegation")
        if chosen is not None:
            delegation_ids = (chosen.pk,)
        return StatFilters(
            start=start,
            end=end,
            delegation_ids=delegation_ids,
            format=data.get("format") or "",
            situation=data.get("situation") or "",
            phase=data.get("etape") or "",
        )


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(label=_("Période"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = period_choices()

    def bounds(self) -> tuple[date, date]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return period_bounds(data.get("periode") or DEFAULT_PERIOD)


class ExperimentWaveForm(forms.ModelForm[ExperimentWave]):
    class Meta:
        model = ExperimentWave
        fields = ["name", "starts_on", "ends_on", "delegations", "description"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "delegations": forms.CheckboxSelectMultiple,
        }
        help_texts = {"starts_on": _("Format : JJ/MM/AAAA."), "ends_on": _("Incluse.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin de la vague doit suivre son début."))
        return cleaned
