from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pairs.core.access import DELEGATION_STAFF, STAFF, access

from .selectors import delegation_list_with_counts


@access(STAFF)
@require_GET
def delegation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "network/delegation_list.html", {"delegations": delegation_list_with_counts()})


@access(DELEGATION_STAFF)
@require_GET
def delegation_detail(request: HttpRequest, delegation_code: str) -> HttpResponse:
    delegation = get_object_or_404(delegation_list_with_counts(), code=delegation_code)
    context = {
        "delegation": delegation,
        "consultants": delegation.consultants.select_related("user"),
        "departements": [d for region in delegation.regions.all() for d in region.departements.all()],
        "places": delegation.places.all(),
    }
    return render(request, "network/delegation_detail.html", context)
