"""Pages of the recommendations: people to meet (members), weights and batches (national team)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import MEMBER, NATIONAL, access
from pairs.meetings.selectors import member_for_user
from pairs.members.models import Member
from pairs.onboarding.forms import AccessibleForm
from pairs_engine import matching as engine
from pairs_engine.matching.weights import COMPONENT_LABELS

from .models import SuggestionBatch, WeightSet
from .selectors import peer_suggestion_list
from .services import (
    dismissal_create,
    suggestions_refresh_member,
    weight_set_activate,
    weight_set_active,
    weight_set_create,
)
from .tasks import suggestions_nightly


def _member_or_onboarding(request: HttpRequest) -> Member | None:
    return member_for_user(user=request.user)  # type: ignore[arg-type]


@access(MEMBER)
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    member = _member_or_onboarding(request)
    if member is None:
        return redirect("onboarding:start")
    # A suggestion is shown only with a reason a person can read.
    suggestions = [s for s in peer_suggestion_list(member=member)[:20] if s.reasons]
    return render(request, "recommendations/people.html", {"member": member, "suggestions": suggestions})


@access(MEMBER)
@require_POST
def dismiss(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member_or_onboarding(request)
    if member is None:
        return redirect("onboarding:start")
    # Only someone who was suggested to this member can be dismissed: no probing of other ids.
    suggestion = get_object_or_404(peer_suggestion_list(member=member), suggested_id=member_id)
    dismissal_create(member=member, dismissed=suggestion.suggested)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "recommendations/_dismissed.html", {"name": suggestion.suggested.first_name})
    messages.success(request, _("C'est noté : cette personne ne vous sera plus proposée."))
    return redirect("recommendations:people")


@access(MEMBER)
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    member = _member_or_onboarding(request)
    if member is None:
        return redirect("onboarding:start")
    suggestions_refresh_member(member=member)
    messages.success(request, _("Vos suggestions sont à jour."))
    return redirect("recommendations:people")


# --- National team: weights and batches -------------------------------------------------------


class WeightsForm(AccessibleForm):
    label = forms.CharField(label=gettext_lazy("Nom de cette version"), max_length=200)
    activate = forms.BooleanField(label=gettext_lazy("Mettre en service dès maintenant"), required=False)

    def __init__(self, *args: Any, initial_weights: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in COMPONENT_LABELS.items():
            self.fields[name] = forms.FloatField(
                label=label.capitalize(),
                initial=initial_weights.get(name, 0.0),
                min_value=0,
                max_value=100,
                help_text=gettext_lazy("Un nombre positif ou nul ; seuls les rapports entre poids comptent."),
            )

    def weights(self) -> dict[str, float]:
        return {name: self.cleaned_data[name] for name in COMPONENT_LABELS}


@access(NATIONAL)
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest) -> HttpResponse:
    active = weight_set_active()
    preset_name = request.GET.get("preset", "")
    start = engine.PRESETS[preset_name].to_dict() if preset_name in engine.PRESETS else active.weights
    form = WeightsForm(request.POST or None, initial_weights=start, initial={"label": preset_name or ""})
    if request.method == "POST" and form.is_valid():
        try:
            created = weight_set_create(
                weights=form.weights(),
                label=form.cleaned_data["label"],
                created_by=request.user,  # type: ignore[arg-type]
                activate=form.cleaned_data["activate"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Version %(v)d enregistrée.") % {"v": created.version})
            return redirect("recommendations:weights")
    context = {
        "form": form,
        "active": active,
        "versions": WeightSet.objects.all()[:30],
        "presets": list(engine.PRESETS),
        "labels": COMPONENT_LABELS,
        "batches": SuggestionBatch.objects.select_related("weight_set", "delegation").filter(
            kind=SuggestionBatch.Kind.DELEGATION
        )[:24],
    }
    return render(request, "recommendations/weights.html", context)


@access(NATIONAL)
@require_POST
def weights_activate(request: HttpRequest, weight_set_id: int) -> HttpResponse:
    weight_set = get_object_or_404(WeightSet, pk=weight_set_id)
    weight_set_activate(weight_set=weight_set)
    messages.success(
        request,
        _("La version %(v)d est en service : elle servira au prochain calcul.") % {"v": weight_set.version},
    )
    return redirect("recommendations:weights")


@access(NATIONAL)
@require_POST
def batch_run(request: HttpRequest) -> HttpResponse:
    suggestions_nightly.enqueue()
    messages.success(request, _("Calcul lancé : une tâche par délégation, exécutée par les workers."))
    return redirect("recommendations:weights")
