"""Onboarding pages: job-title autocomplete, activation links, the three profile steps."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import MEMBER, PUBLIC, SIGNED_IN, STAFF, access
from pairs.members.models import Member
from pairs.members.selectors import member_list_visible_to
from pairs.members.services import member_update_profile
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import consent_state
from pairs.reference.selectors import appellation_search

from .forms import (
    TARGET_JOB_FIELDS,
    InterestsForm,
    MeetingsForm,
    SituationForm,
    consent_field_name,
    job_label,
)
from .selectors import ACTIVATION_MAX_AGE_DAYS, ActivationRefusedError, activation_invitation_from_token
from .services import activation_accept, activation_invite, member_start, profile_meetings_save

_LISTBOX_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")

STEPS = (
    ("onboarding:profile_situation", _("Ma situation")),
    ("onboarding:profile_interests", _("Ce que je cherche et ce que j'offre")),
    ("onboarding:profile_meetings", _("Mes rencontres")),
)


# --- Job-title autocomplete -------------------------------------------------------------------


@access(SIGNED_IN)
@require_GET
def job_search(request: HttpRequest) -> HttpResponse:
    """The options of a job combobox (htmx), or a plain search page that works without JavaScript."""
    query = request.GET.get("q", "").strip()[:100]
    listbox = request.GET.get("listbox", "")
    listbox = listbox if _LISTBOX_ID.match(listbox) else "metiers"
    cadre_only = request.GET.get("cadre") == "1"
    titles = appellation_search(query=query, limit=10 if request.htmx else 30, cadre_only=cadre_only)
    context = {"query": query, "titles": titles, "listbox": listbox, "cadre_only": cadre_only}
    template = "onboarding/job_search.html#options" if request.htmx else "onboarding/job_search.html"
    return render(request, template, context)


# --- Activation by a consultant's invitation --------------------------------------------------


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@access(STAFF)
@require_POST
def invite(request: HttpRequest, member_id: int) -> HttpResponse:
    # Staff only invite members they may see: anyone else's member does not exist for them.
    member = get_object_or_404(member_list_visible_to(viewer=request.user), pk=member_id)  # type: ignore[arg-type]
    try:
        activation_invite(member=member, invited_by=request.user, base_url=request.build_absolute_uri("/"))  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation envoyée à %(email)s : le lien est valable %(days)d jours.")
            % {"email": member.email, "days": ACTIVATION_MAX_AGE_DAYS},
        )
    return redirect(_next_url(request, reverse("members:list")))


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """GET only checks the link (mail scanners open links); the button's POST uses it."""
    try:
        if request.method == "POST":
            user = activation_accept(token=token)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Votre compte est activé. Complétez votre profil en trois étapes."))
            return redirect("onboarding:start")
        invitation = activation_invitation_from_token(token=token)
    except ActivationRefusedError as refused:
        return render(request, "onboarding/activate.html", {"refused": refused.message})
    return render(request, "onboarding/activate.html", {"member": invitation.member})


# --- The three profile steps ------------------------------------------------------------------


def _member_of(request: HttpRequest) -> Member | None:
    return getattr(request.user, "member", None)


def _step_context(number: int, form: Any, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "step": number,
        "step_count": len(STEPS),
        "step_title": STEPS[number - 1][1],
        "steps": STEPS,
        **extra,
    }


@access(MEMBER)
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Where a member without a profile (or just activated) begins."""
    return redirect("onboarding:profile_situation")


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def profile_situation(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if request.method == "POST":
        form = SituationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if member is None:
                    member_start(user=request.user, **data)  # type: ignore[arg-type]
                else:
                    member_update_profile(member=member, **data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("onboarding:profile_interests")
    else:
        initial: dict[str, Any] = {"first_name": request.user.first_name, "last_name": request.user.last_name}
        if member is not None:
            initial = {
                "first_name": member.first_name,
                "last_name": member.last_name,
                "situation": member.situation,
                "phase": member.phase,
                "departement": member.departement_id,
                "current_job": job_label(member.current_job),
            }
        form = SituationForm(initial=initial)
    return render(request, "onboarding/profile_situation.html", _step_context(1, form, member=member))


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def profile_interests(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return redirect("onboarding:profile_situation")
    if request.method == "POST":
        form = InterestsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member_update_profile(
                    member=member,
                    target_jobs=form.target_jobs(),
                    topics_sought=data["topics_sought"],
                    topics_offered=data["topics_offered"],
                    seeking_text=data["seeking_text"],
                    offering_text=data["offering_text"],
                )
            except ValidationError as error:
                form.add_service_errors(error, renamed={"target_jobs": TARGET_JOB_FIELDS[0]})
            else:
                return redirect("onboarding:profile_meetings")
    else:
        jobs = list(member.target_jobs.all())
        initial: dict[str, Any] = {
            name: job_label(job) for name, job in zip(TARGET_JOB_FIELDS, jobs, strict=False)
        }
        initial.update(
            topics_sought=list(member.topics_sought.all()),
            topics_offered=list(member.topics_offered.all()),
            seeking_text=member.seeking_text,
            offering_text=member.offering_text,
        )
        form = InterestsForm(initial=initial)
    return render(request, "onboarding/profile_interests.html", _step_context(2, form, member=member))


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def profile_meetings(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return redirect("onboarding:profile_situation")
    if request.method == "POST":
        form = MeetingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                profile_meetings_save(
                    member=member,
                    recorded_by=request.user,  # type: ignore[arg-type]
                    consents=form.consents(),
                    prefers_in_person=data["prefers_in_person"],
                    prefers_video=data["prefers_video"],
                    availability=data["availability"],
                    phone=data["phone"],
                    linkedin_url=data["linkedin_url"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Votre profil est complet. Merci !"))
                return redirect("members:my_profile")
    else:
        state = consent_state(member=member)
        initial: dict[str, Any] = {
            "prefers_in_person": member.prefers_in_person,
            "prefers_video": member.prefers_video,
            "availability": member.availability,
            "phone": member.phone,
            "linkedin_url": member.linkedin_url,
        }
        # Never asked: unticked. Asked before: the answer given, so that saving changes nothing silently.
        initial.update({consent_field_name(kind): state[kind] for kind in ConsentKind.values})
        form = MeetingsForm(initial=initial)
    consent_fields = [form[consent_field_name(kind)] for kind in ConsentKind.values]
    return render(
        request,
        "onboarding/profile_meetings.html",
        _step_context(3, form, member=member, consent_fields=consent_fields),
    )
