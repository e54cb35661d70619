"""Rencontre pages: detail, registration, invitations, organiser's editing and participants."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import MEMBER, ORGANISERS, PUBLIC, STAFF, access
from pairs.members.selectors import MemberSearchFilters, member_search
from pairs.network.models import Delegation
from pairs.recommendations.selectors import invitees_for_rencontre

from .calendar import rencontre_ics, rencontres_feed
from .forms import CancelForm, RencontreCreateForm, RencontreForm
from .links import invitation_from_token
from .models import (
    CalendarFeed,
    Invitation,
    InvitationResponse,
    Mode,
    Registration,
    RegistrationStatus,
    Rencontre,
    Status,
    Visibility,
)
from .selectors import (
    member_for_user,
    registrations_of,
    rencontre_can_manage,
    rencontre_get_managed,
    rencontre_list_visible_to,
)
from .services import (
    ACTIVE,
    RegistrationError,
    invitation_answer,
    invitation_send,
    invitations_per_week,
    registration_cancel,
    registration_remove,
    registration_request,
    rencontre_cancel,
    rencontre_create,
    rencontre_data_from,
    rencontre_publish,
    rencontre_update,
    series_create,
    waitlist_rank,
)


def _visible(request: HttpRequest, rencontre_id: int) -> Rencontre:
    viewer = request.user if request.user.is_authenticated else None
    return get_object_or_404(rencontre_list_visible_to(viewer=viewer), pk=rencontre_id)  # type: ignore[arg-type]


def _managed(request: HttpRequest, rencontre_id: int) -> Rencontre:
    return rencontre_get_managed(viewer=request.user, rencontre_id=rencontre_id)  # type: ignore[arg-type]


# --- Everyone ---------------------------------------------------------------------------------


@access(PUBLIC)
@require_GET
def rencontre_detail(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _visible(request, rencontre_id)
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    registration = None
    rank = None
    if member is not None:
        registration = Registration.objects.filter(rencontre=rencontre, member=member).first()
        if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
            rank = waitlist_rank(registration=registration)
    can_manage = request.user.is_authenticated and rencontre_can_manage(
        viewer=request.user, rencontre=rencontre
    )  # type: ignore[arg-type]
    context: dict[str, Any] = {
        "rencontre": rencontre,
        "member": member,
        "registration": registration,
        "registration_active": registration is not None and registration.status in ACTIVE,
        "rank": rank,
        "can_manage": can_manage,
        "co_organisers": list(rencontre.co_organisers.select_related("user", "delegation")),
        "topics": list(rencontre.topics.all()),
        "waitlist_count": rencontre.registrations.filter(status=RegistrationStatus.WAITLISTED).count(),
        "schema_org": _schema_org(request, rencontre),
    }
    return render(request, "meetings/detail.html", context)


def _schema_org(request: HttpRequest, rencontre: Rencontre) -> str:
    """schema.org Event markup for public rencontres, so search engines can list them."""
    if rencontre.visibility != Visibility.PUBLIC or rencontre.status == Status.DRAFT:
        return ""
    attendance = {
        Mode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        Mode.VIDEO: "https://schema.org/OnlineEventAttendanceMode",
        Mode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[Mode(rencontre.mode)]
    locations: list[dict[str, Any]] = []
    if rencontre.place is not None and rencontre.mode != Mode.VIDEO:
        locations.append(
            {
                "@type": "Place",
                "name": rencontre.place.name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": rencontre.place.address,
                    "postalCode": rencontre.place.postcode,
                    "addressLocality": rencontre.place.city,
                    "addressCountry": "FR",
                },
            }
        )
    if rencontre.mode != Mode.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": request.build_absolute_uri()})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": rencontre.title,
        "description": rencontre.description,
        "startDate": rencontre.starts_at.isoformat(),
        "endDate": rencontre.ends_at.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if rencontre.status == Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": attendance,
        "location": locations[0] if len(locations) == 1 else locations,
        "isAccessibleForFree": True,
        "inLanguage": "fr",
        "url": request.build_absolute_uri(),
        "organizer": {"@type": "Organization", "name": "Apec — Rencontres entre Pairs"},
        "maximumAttendeeCapacity": rencontre.capacity_max,
        "remainingAttendeeCapacity": rencontre.seats_left,
    }
    # Escaped like json_script: no "</script>" can close the tag early.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@access(PUBLIC)
@require_GET
def rencontre_ics_download(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _visible(request, rencontre_id)
    response = HttpResponse(rencontre_ics(rencontre), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rencontre-{rencontre.pk}.ics"'
    return response


@access(MEMBER)
@require_POST
def register(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _visible(request, rencontre_id)
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    if member is None:
        messages.info(request, _("Complétez d'abord votre profil pour vous inscrire aux rencontres."))
        return redirect("onboarding:start")
    try:
        registration = registration_request(rencontre=rencontre, member=member)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                request, _("Vous êtes inscrit·e. Une confirmation avec l'invitation d'agenda part par email.")
            )
        else:
            messages.info(
                request,
                _("La rencontre est complète : vous êtes en position %(rank)d sur la liste d'attente.")
                % {"rank": waitlist_rank(registration=registration)},
            )
    return redirect("meetings:detail", rencontre_id=rencontre.pk)


@access(MEMBER)
@require_POST
def unregister(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _visible(request, rencontre_id)
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    registration = get_object_or_404(Registration, rencontre=rencontre, member=member)
    was_waiting = registration.status == RegistrationStatus.WAITLISTED
    try:
        registration_cancel(registration=registration)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Vous avez quitté la liste d'attente.")
            if was_waiting
            else _("Votre désinscription est enregistrée."),
        )
    return redirect("meetings:detail", rencontre_id=rencontre.pk)


# --- Invitation answers: signed links, no login -----------------------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def invitation_answer_view(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """GET shows the answer to confirm (mail scanners open links); the button's POST records it."""
    if answer not in ("accept", "decline"):
        raise Http404
    invitation = invitation_from_token(token)
    context: dict[str, Any] = {"answer": answer, "token": token}
    if invitation is None:
        context["refused"] = _(
            "Ce lien d'invitation n'est pas valide ou a expiré. Demandez une nouvelle invitation à votre consultant·e Apec."
        )
        return render(request, "meetings/invitation_answer.html", context, status=400)
    rencontre = invitation.rencontre
    context.update(invitation=invitation, rencontre=rencontre)
    if rencontre.status != Status.PUBLISHED or rencontre.starts_at <= timezone.now():
        context["refused"] = (
            _("Cette rencontre a été annulée.")
            if rencontre.status == Status.CANCELLED
            else _("Cette rencontre a déjà eu lieu ou a commencé : il n'est plus possible de répondre.")
        )
        return render(request, "meetings/invitation_answer.html", context, status=410)
    if request.method == "POST":
        try:
            registration = invitation_answer(invitation=invitation, accept=answer == "accept")
        except RegistrationError as error:
            context["refused"] = str(error)
            return render(request, "meetings/invitation_answer.html", context, status=409)
        context["done"] = True
        context["registration"] = registration
        if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
            context["rank"] = waitlist_rank(registration=registration)
    elif invitation.response != InvitationResponse.PENDING:
        context["previous"] = invitation.get_response_display()
    return render(request, "meetings/invitation_answer.html", context)


# --- Private calendar feed --------------------------------------------------------------------


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    if member is None:
        return redirect("onboarding:start")
    feed = CalendarFeed.objects.filter(member=member).first()
    if request.method == "POST":
        action = request.POST.get("action")
        with transaction.atomic():
            CalendarFeed.objects.filter(member=member).delete()
            feed = None
            if action == "create":
                feed = CalendarFeed.objects.create(member=member, token=secrets.token_urlsafe(32))
        messages.success(
            request,
            _("Nouvelle adresse d'agenda créée ; l'ancienne ne fonctionne plus.")
            if feed
            else _("Votre agenda privé est désactivé : son adresse ne fonctionne plus."),
        )
        return redirect("meetings:feed_manage")
    url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": feed.token})) if feed else None
    return render(request, "meetings/feed_manage.html", {"feed": feed, "feed_url": url})


@access(PUBLIC)
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("member").filter(token=token).first()
    if feed is None:
        raise Http404
    rencontres = Rencontre.objects.filter(
        registrations__member=feed.member,
        registrations__status=RegistrationStatus.REGISTERED,
        status__in=[Status.PUBLISHED, Status.CANCELLED],
        ends_at__gt=timezone.now() - timezone.timedelta(days=90),
    ).select_related("place")
    body = rencontres_feed(rencontres, name=_("Mes rencontres entre pairs"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@access(PUBLIC)
@require_GET
def delegation_public_feed(request: HttpRequest, delegation_code: str) -> HttpResponse:
    """A delegation's public rencontres as a calendar anyone can subscribe to."""
    delegation = get_object_or_404(Delegation, code=delegation_code)
    rencontres = Rencontre.objects.filter(
        delegation=delegation,
        visibility=Visibility.PUBLIC,
        status__in=[Status.PUBLISHED, Status.CANCELLED],
        ends_at__gt=timezone.now() - timezone.timedelta(days=30),
    ).select_related("place")
    body = rencontres_feed(
        rencontres, name=_("Rencontres entre Pairs — %(name)s") % {"name": delegation.name}
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


# --- Organisers -------------------------------------------------------------------------------


def _consultant(request: HttpRequest) -> Any:
    consultant = getattr(request.user, "consultant", None)
    if consultant is None:
        raise PermissionDenied(_("Seul·es les consultant·es Apec organisent des rencontres."))
    return consultant


@access(ORGANISERS)
@require_http_methods(["GET", "POST"])
def rencontre_create_view(request: HttpRequest) -> HttpResponse:
    consultant = _consultant(request)
    form = RencontreCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.rencontre_data()
        try:
            if form.cleaned_data.get("repeat"):
                series = series_create(
                    organiser=consultant,
                    data=data,
                    frequency=form.cleaned_data["repeat"],
                    occurrences=form.cleaned_data["occurrences"],
                    publish=form.cleaned_data["publish"],
                )
                first = series.rencontres.order_by("starts_at").first()
                messages.success(
                    request, _("Série de %(n)d rencontres créée.") % {"n": series.rencontres.count()}
                )
                return redirect("meetings:detail", rencontre_id=first.pk)  # type: ignore[union-attr]
            rencontre = rencontre_create(
                organiser=consultant, data=data, publish=form.cleaned_data["publish"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Rencontre créée."))
            return redirect("meetings:detail", rencontre_id=rencontre.pk)
    return render(request, "meetings/form.html", {"form": form, "creating": True})


@access(STAFF)
@require_http_methods(["GET", "POST"])
def rencontre_edit_view(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    if rencontre.status == Status.CANCELLED:
        messages.error(request, _("Une rencontre annulée ne se modifie plus."))
        return redirect("meetings:detail", rencontre_id=rencontre.pk)
    current = rencontre_data_from(rencontre)
    initial = {**current.__dict__}
    form = RencontreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rencontre_update(rencontre=rencontre, data=form.rencontre_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Modifications enregistrées. Les inscrit·es sont prévenu·es d'un changement de date ou de lieu."
                ),
            )
            return redirect("meetings:detail", rencontre_id=rencontre.pk)
    return render(request, "meetings/form.html", {"form": form, "rencontre": rencontre, "creating": False})


@access(STAFF)
@require_POST
def rencontre_publish_view(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    try:
        rencontre_publish(rencontre=rencontre)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Rencontre publiée : vous pouvez inviter des membres."))
    return redirect("meetings:detail", rencontre_id=rencontre.pk)


@access(STAFF)
@require_http_methods(["GET", "POST"])
def rencontre_cancel_view(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rencontre_cancel(rencontre=rencontre, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Rencontre annulée ; les inscrit·es sont prévenu·es avec le motif."))
            return redirect("meetings:detail", rencontre_id=rencontre.pk)
    return render(request, "meetings/cancel.html", {"form": form, "rencontre": rencontre})


@access(ORGANISERS)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    """Any consultant invites members they may see to any published rencontre."""
    rencontre = _visible(request, rencontre_id)
    consultant = _consultant(request)
    if rencontre.status != Status.PUBLISHED or rencontre.starts_at <= timezone.now():
        messages.error(request, _("On ne peut inviter qu'à une rencontre publiée et à venir."))
        return redirect("meetings:detail", rencontre_id=rencontre.pk)
    visible = member_search(viewer=request.user, filters=MemberSearchFilters())  # type: ignore[arg-type]
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("members") if value.isdigit()][:200]
        chosen = list(visible.filter(pk__in=ids))
        if not chosen:
            messages.error(request, _("Cochez au moins une personne à inviter."))
        else:
            outcome = invitation_send(rencontre=rencontre, members=chosen, invited_by=consultant)
            _report_invitations(request, outcome)
            return redirect("meetings:invite", rencontre_id=rencontre.pk)
    query = request.GET.get("q", "").strip()[:100]
    filters = MemberSearchFilters(query=query, situation=request.GET.get("situation", "")[:20])
    candidates = member_search(viewer=request.user, filters=filters)  # type: ignore[arg-type]
    page = Paginator(candidates, 25).get_page(request.GET.get("page"))
    invited = set(Invitation.objects.filter(rencontre=rencontre).values_list("member_id", flat=True))
    registered = set(
        Registration.objects.filter(rencontre=rencontre, status__in=ACTIVE).values_list(
            "member_id", flat=True
        )
    )
    context = {
        "rencontre": rencontre,
        "page": page,
        "query": query,
        "invited": invited,
        "registered": registered,
        "invitations": Invitation.objects.filter(rencontre=rencontre).select_related(
            "member", "invited_by__user"
        )[:200],
        "weekly_limit": invitations_per_week(),
        "invitees": invitees_for_rencontre(rencontre=rencontre, viewer=request.user),  # type: ignore[arg-type]
    }
    return render(request, "meetings/invite.html", context)


def _report_invitations(request: HttpRequest, outcome: Any) -> None:
    if outcome.sent:
        messages.success(request, _("%(n)d invitation(s) envoyée(s).") % {"n": len(outcome.sent)})
    groups = (
        (outcome.already_invited, _("déjà invité·e(s) à cette rencontre")),
        (outcome.already_registered, _("déjà inscrit·e(s) ou en liste d'attente")),
        (outcome.weekly_limit, _("ont déjà reçu le nombre maximum d'invitations cette semaine")),
        (outcome.no_email_consent, _("ne souhaitent pas recevoir d'emails sur les rencontres")),
    )
    for members, reason in groups:
        if members:
            names = ", ".join(f"{m.first_name} {m.last_name}" for m in members[:10])
            more = "…" if len(members) > 10 else ""
            messages.warning(
                request,
                _("Non invité·es — %(reason)s : %(names)s%(more)s")
                % {"reason": reason, "names": names, "more": more},
            )


@access(STAFF)
@require_GET
def participants(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    lists = registrations_of(rencontre=rencontre)
    return render(request, "meetings/participants.html", {"rencontre": rencontre, **lists})


@access(STAFF)
@require_POST
def participant_remove(request: HttpRequest, rencontre_id: int, registration_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    registration = get_object_or_404(Registration, pk=registration_id, rencontre=rencontre)
    try:
        registration_remove(registration=registration)
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s est retiré·e ; la personne suivante de la liste d'attente prend la place.")
            % {"name": f"{registration.member.first_name} {registration.member.last_name}"},
        )
    return redirect("meetings:participants", rencontre_id=rencontre.pk)


@access(STAFF)
@require_POST
def participant_add(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    rencontre = _managed(request, rencontre_id)
    email = request.POST.get("email", "").strip().lower()[:254]
    visible = member_search(viewer=request.user, filters=MemberSearchFilters())  # type: ignore[arg-type]
    member = visible.filter(email=email).first()
    if member is None:
        messages.error(
            request,
            _(
                "Aucun membre visible pour vous n'a l'adresse « %(email)s ». Vérifiez l'adresse ou importez d'abord ce contact."
            )
            % {"email": email},
        )
        return redirect("meetings:participants", rencontre_id=rencontre.pk)
    try:
        registration = registration_request(rencontre=rencontre, member=member, added_by=request.user)  # type: ignore[arg-type]
    except RegistrationError as error:
        messages.error(request, str(error))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                request, _("%(name)s est inscrit·e.") % {"name": f"{member.first_name} {member.last_name}"}
            )
        else:
            messages.info(
                request,
                _("La rencontre est complète : %(name)s est en liste d'attente.")
                % {"name": f"{member.first_name} {member.last_name}"},
            )
    return redirect("meetings:participants", rencontre_id=rencontre.pk)
