"""Forms of the rencontres pages. They check shapes; the services check the rules
(dates, capacity, place and delegation) and their errors land on the fields."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.members.models import Phase, Situation
from pairs.members.selectors import topic_list_active
from pairs.network.models import Consultant, Place
from pairs.onboarding.forms import AccessibleForm
from pairs.reference.models import RomeDomaine

from .models import Format, Mode, ParentEvent, Series, Visibility
from .services import RencontreData

PARIS = ZoneInfo("Europe/Paris")


class ParisDateTimeField(forms.DateTimeField):
    """A date and time typed in Paris time, whatever the server's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if result is not None and timezone.is_naive(result):
            result = result.replace(tzinfo=PARIS)
        return result

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value, PARIS).replace(tzinfo=None)
        return super().prepare_value(value)


class ConsultantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Consultant) -> str:
        return f"{obj} ({obj.delegation.name})"


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        where = f", {obj.city}" if obj.city else ""
        return f"{obj.name}{where} — {obj.delegation.name}"


class RencontreForm(AccessibleForm):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que les participant·es vont y faire et y trouver, en quelques phrases."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    mode = forms.ChoiceField(label=_("Modalité"), choices=Mode.choices, widget=forms.RadioSelect)
    place = PlaceChoiceField(
        label=_("Lieu"),
        queryset=Place.objects.select_related("delegation").order_by("delegation__name", "name"),
        required=False,
        help_text=_("Pour le présentiel et l'hybride."),
    )
    video_url = forms.URLField(
        label=_("Lien de visio"),
        required=False,
        assume_scheme="https",
        help_text=_("Pour la visio et l'hybride ; une adresse en https://."),
    )
    starts_at = ParisDateTimeField(label=_("Début (heure de Paris)"))
    ends_at = ParisDateTimeField(label=_("Fin (heure de Paris)"))
    capacity_min = forms.IntegerField(label=_("Participants minimum"), min_value=1, max_value=500, initial=4)
    capacity_max = forms.IntegerField(label=_("Participants maximum"), min_value=1, max_value=500, initial=12)
    visibility = forms.ChoiceField(
        label=_("Qui peut la voir et s'inscrire ?"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.DELEGATION,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), queryset=topic_list_active(), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_situations = forms.MultipleChoiceField(
        label=_("Situations visées"),
        choices=Situation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les situations."),
    )
    target_phases = forms.MultipleChoiceField(
        label=_("Étapes visées"),
        choices=Phase.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les étapes."),
    )
    target_domains = forms.ModelMultipleChoiceField(
        label=_("Domaines professionnels visés (ROME)"),
        queryset=RomeDomaine.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Facultatif. Ctrl (ou Cmd) + clic pour en choisir plusieurs."),
    )
    co_organisers = ConsultantChoiceField(
        label=_("Co-organisateur·rices"),
        queryset=Consultant.objects.select_related("user", "delegation").order_by("delegation__name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Des consultant·es de n'importe quelle délégation."),
    )
    parent_event = forms.ModelChoiceField(
        label=_("En marge d'un salon ou d'un atelier Apec"),
        queryset=ParentEvent.objects.select_related("delegation"),
        required=False,
    )

    def rencontre_data(self) -> RencontreData:
        data = self.cleaned_data
        return RencontreData(
            title=data["title"].strip(),
            description=data["description"].strip(),
            format=data["format"],
            mode=data["mode"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity_min=data["capacity_min"],
            capacity_max=data["capacity_max"],
            visibility=data["visibility"],
            place=data.get("place"),
            video_url=data.get("video_url") or "",
            topics=list(data.get("topics") or []),
            target_situations=list(data.get("target_situations") or []),
            target_phases=list(data.get("target_phases") or []),
            target_domains=list(data.get("target_domains") or []),
            co_organisers=list(data.get("co_organisers") or []),
            parent_event=data.get("parent_event"),
        )


class RencontreCreateForm(RencontreForm):
    repeat = forms.ChoiceField(
        label=_("Répéter"),
        choices=[("", _("Non, une seule date")), *Series.Frequency.choices],
        required=False,
    )
    occurrences = forms.IntegerField(
        label=_("Nombre de rencontres dans la série"), min_value=2, max_value=24, required=False, initial=6
    )
    publish = forms.BooleanField(
        label=_("Publier tout de suite (sinon : brouillon)"), required=False, initial=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") and not data.get("occurrences"):
            self.add_error("occurrences", _("Indiquez combien de rencontres compte la série (2 à 24)."))
        return data


class CancelForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est envoyé par email aux personnes inscrites et en liste d'attente."),
    )
