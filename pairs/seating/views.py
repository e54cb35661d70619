"""Room plan pages: plan, re-plan at check-in, itinerary cards to print, the room's big screen."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import STAFF, access
from pairs.meetings.models import Rencontre
from pairs.meetings.selectors import rencontre_get_managed

from .forms import ReplanForm, SeatingForm
from .selectors import seating_itineraries, seating_plan_current, seating_rounds
from .services import SeatingOptions, seating_plan_create, seating_replan


def _managed(request: HttpRequest, rencontre_id: int) -> Rencontre:
    return rencontre_get_managed(viewer=request.user, rencontre_id=rencontre_id)  # type: ignore[arg-type]


@access(STAFF)
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    current = seating_plan_current(rencontre=rencontre)
    form = SeatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        options = SeatingOptions(**form.cleaned_data)
        try:
            created = seating_plan_create(rencontre=rencontre, options=options, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan de table calculé (version %(v)d).") % {"v": created.version})
            return redirect("seating:plan", rencontre_id=rencontre.pk)
    context = {
        "rencontre": rencontre,
        "plan": current,
        "rounds": seating_rounds(plan=current) if current else [],
        "form": form,
        "replan_form": ReplanForm(initial={"played_rounds": current.played_rounds if current else 0}),
    }
    return render(request, "seating/plan.html", context)


@access(STAFF)
@require_POST
def replan(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    current = seating_plan_current(rencontre=rencontre)
    if current is None:
        messages.error(request, _("Calculez d'abord un plan de table."))
        return redirect("seating:plan", rencontre_id=rencontre.pk)
    form = ReplanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le nombre de tours déjà joués."))
        return redirect("seating:plan", rencontre_id=rencontre.pk)
    try:
        new = seating_replan(
            plan=current, played_rounds=form.cleaned_data["played_rounds"], actor=request.user
        )  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Plan recalculé en %(s).1f s (version %(v)d) : les tours joués sont gardés.")
            % {"s": new.seconds, "v": new.version},
        )
    return redirect("seating:plan", rencontre_id=rencontre.pk)


@access(STAFF)
@require_GET
def cards(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    current = seating_plan_current(rencontre=rencontre)
    itineraries = seating_itineraries(plan=current) if current else []
    return render(
        request, "seating/cards.html", {"rencontre": rencontre, "plan": current, "itineraries": itineraries}
    )


@access(STAFF)
@require_GET
def screen(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    current = seating_plan_current(rencontre=rencontre)
    rounds = seating_rounds(plan=current) if current else []
    try:
        number = min(max(int(request.GET.get("tour", "1")), 1), max(len(rounds), 1))
    except ValueError:
        number = 1
    context = {
        "rencontre": rencontre,
        "plan": current,
        "round_number": number,
        "tables": rounds[number - 1] if rounds else [],
        "round_count": len(rounds),
    }
    return render(request, "seating/screen.html", context)
