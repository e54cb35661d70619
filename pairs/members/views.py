from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pairs.core.access import MEMBER, STAFF, access

from .selectors import member_list_visible_to


@access(STAFF)
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    members = member_list_visible_to(viewer=request.user)  # type: ignore[arg-type]
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {"page": page})


@access(MEMBER)
@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    return render(request, "members/my_profile.html", {"member": member})
