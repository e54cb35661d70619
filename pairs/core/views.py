"""Pages every visitor shares: home per role, data sources, health, errors."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pairs.accounts.models import Role
from pairs.meetings.selectors import rencontre_list_visible_to
from pairs.network.selectors import delegation_list_with_counts
from pairs.recommendations.selectors import rencontres_for_member
from pairs.reference.models import ReferenceDataVersion

from .access import PUBLIC, access

_HOME_TEMPLATES = {
    Role.MEMBER: "core/home_member.html",
    Role.CONSULTANT: "core/home_consultant.html",
    Role.DELEGATION_LEAD: "core/home_consultant.html",
    Role.NATIONAL: "core/home_national.html",
    Role.ADMIN: "core/home_national.html",
}


@access(PUBLIC)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        upcoming = rencontre_list_visible_to(viewer=None).filter(
            status="published", starts_at__gt=timezone.now()
        )
        return render(request, "core/home_public.html", {"upcoming_rencontres": upcoming[:6]})
    context: dict[str, object] = {}
    if user.role in (Role.CONSULTANT, Role.DELEGATION_LEAD):
        consultant = getattr(user, "consultant", None)
        context["consultant"] = consultant
        if consultant is not None:
            delegation = delegation_list_with_counts().get(pk=consultant.delegation_id)
            context["delegation"] = delegation
            if user.role == Role.DELEGATION_LEAD:
                context["colleagues"] = delegation.consultants.select_related("user")
    elif user.role in (Role.NATIONAL, Role.ADMIN):
        context["delegations"] = delegation_list_with_counts()
    elif user.role == Role.MEMBER:
        member = getattr(user, "member", None)
        if member is None:
            # A member who signed up on their own has no profile yet: start it.
            return redirect("onboarding:start")
        context["member"] = member
        context["rencontres_for_you"] = rencontres_for_member(member=member, k=3)
        context["people_count"] = member.peer_suggestions.count()
    return render(request, _HOME_TEMPLATES[Role(user.role)], context)


@access(PUBLIC)
@require_GET
def data_sources(request: HttpRequest) -> HttpResponse:
    versions = {v.source: v for v in ReferenceDataVersion.objects.all()}
    return render(request, "core/data_sources.html", {"versions": versions})


@access(PUBLIC)
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
