"""On the day: the organisers' check-in page (mobile first), walk-ins, closing the welcome
desk, and the printable attendance sheet. Organisers only (``rencontre_can_manage``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import STAFF, access
from pairs.members.models import Member, Phase, Situation
from pairs.members.selectors import member_list_visible_to
from pairs.members.services import member_create
from pairs.onboarding.forms import AccessibleForm
from pairs.reference.models import Departement

from .models import Attendance, Registration, RegistrationStatus, Rencontre, Status
from .selectors import rencontre_get_managed
from .selectors_lists import checkin_counts, checkin_list, walk_in_candidates
from .services import RegistrationError, attendance_mark, walk_in_add
from .services_day import attendance_close

# Blank lines at the end of the attendance sheet, for people who come without a seat.
SHEET_BLANK_LINES = 6


def _managed(request: HttpRequest, rencontre_id: int) -> Rencontre:
    return rencontre_get_managed(viewer=request.user, rencontre_id=rencontre_id)  # type: ignore[arg-type]


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _checkin_url(rencontre: Rencontre, *, query: str = "", anchor: str = "") -> str:
    url = reverse("meetings:checkin", kwargs={"rencontre_id": rencontre.pk})
    if query:
        url += "?" + urlencode({"q": query})
    return url + (f"#{anchor}" if anchor else "")


def _can_check_in(rencontre: Rencontre) -> bool:
    return rencontre.status == Status.PUBLISHED


# --- Check-in ---------------------------------------------------------------------------------


@access(STAFF)
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    """The list to tick; POST ``action=clore`` records everyone not checked in as absent."""
    rencontre = _managed(request, rencontre_id)
    now = timezone.now()
    if request.method == "POST":
        if request.POST.get("action") != "clore":
            return redirect(_checkin_url(rencontre))
        try:
            marked = attendance_close(rencontre=rencontre, now=now)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if marked:
                messages.success(
                    request,
                    ngettext(
                        "Accueil clos : %(n)d personne non pointée est enregistrée absente.",
                        "Accueil clos : %(n)d personnes non pointées sont enregistrées absentes.",
                        marked,
                    )
                    % {"n": marked},
                )
            else:
                messages.info(request, _("Accueil clos : tout le monde était déjà pointé."))
        return redirect(_checkin_url(rencontre))

    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {
        "rencontre": rencontre,
        "registrations": list(checkin_list(rencontre=rencontre, query=query)),
        "counts": checkin_counts(rencontre=rencontre),
        "query": query,
        "can_check_in": _can_check_in(rencontre),
        "started": rencontre.starts_at <= now,
    }
    template = "meetings/checkin.html"
    if _is_htmx(request):
        template += "#rows"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@access(STAFF)
@require_POST
def checkin_mark(request: HttpRequest, rencontre_id: int, registration_id: int) -> HttpResponse:
    """Set one person's attendance; htmx gets the row back and the counts out of band."""
    rencontre = _managed(request, rencontre_id)
    registration = get_object_or_404(
        Registration.objects.select_related("member"), pk=registration_id, rencontre=rencontre
    )
    query = request.POST.get("q", "").strip()[:100]
    attendance = request.POST.get("attendance", "")
    error = ""
    if not _can_check_in(rencontre):
        error = _("Cette rencontre n'a pas lieu : le pointage est fermé.")
    elif attendance not in Attendance.values:
        error = _("Choisissez « Présent·e » ou « Absent·e ».")
    else:
        try:
            registration = attendance_mark(registration=registration, attendance=attendance)
        except (RegistrationError, ValidationError) as failure:
            error = " ".join(getattr(failure, "messages", [str(failure)]))
    if _is_htmx(request):
        context = {
            "rencontre": rencontre,
            "registration": registration,
            "counts": checkin_counts(rencontre=rencontre),
            "query": query,
            "can_check_in": _can_check_in(rencontre),
            "row_error": error,
            "announce": error or _row_announcement(registration),
        }
        response = render(request, "meetings/_checkin_marked.html", context, status=200)
        patch_vary_headers(response, ("HX-Request",))
        return response
    if error:
        messages.error(request, error)
    return redirect(_checkin_url(rencontre, query=query, anchor=f"inscription-{registration.pk}"))


def _row_announcement(registration: Registration) -> str:
    name = f"{registration.member.first_name} {registration.member.last_name}"
    if registration.attendance == Attendance.PRESENT:
        return _("%(name)s : présent·e.") % {"name": name}
    if registration.attendance == Attendance.ABSENT:
        return _("%(name)s : absent·e.") % {"name": name}
    return _("%(name)s : pointage annulé.") % {"name": name}


# --- Walk-ins ---------------------------------------------------------------------------------


class WalkInCreateForm(AccessibleForm):
    """The least we need to know about someone who came without a seat."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=100)
    email = forms.EmailField(
        label=gettext_lazy("Adresse email"),
        max_length=254,
        help_text=gettext_lazy(
            "Elle permet de retrouver la personne ; aucun email ne lui est envoyé sans son accord."
        ),
    )
    departement = forms.ModelChoiceField(
        label=gettext_lazy("Département de résidence"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("— Non renseigné —"),
    )
    situation = forms.ChoiceField(
        label=gettext_lazy("Situation"),
        choices=[("", gettext_lazy("— Choisir —")), *Situation.choices],
    )
    phase = forms.ChoiceField(
        label=gettext_lazy("Étape de la transition"),
        choices=[("", gettext_lazy("— Choisir —")), *Phase.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "nouveau")
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "off", "aria-describedby": f"{self['email'].auto_id}_helptext"}
        )


def _full_name(member: Member) -> str:
    return f"{member.first_name} {member.last_name}"


def _add_walk_in(request: HttpRequest, rencontre: Rencontre, member: Member) -> HttpResponse:
    try:
        registration = walk_in_add(rencontre=rencontre, member=member, added_by=request.user)  # type: ignore[arg-type]
    except RegistrationError as error:
        messages.error(request, str(error))
        return redirect("meetings:walk_in", rencontre_id=rencontre.pk)
    messages.success(
        request, _("%(name)s est ajouté·e et pointé·e présent·e.") % {"name": _full_name(member)}
    )
    return redirect(_checkin_url(rencontre, anchor=f"inscription-{registration.pk}"))


@access(STAFF)
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    """Find someone the organiser may see and add them as present, or create them on the spot."""
    rencontre = _managed(request, rencontre_id)
    form = WalkInCreateForm()
    if request.method == "POST" and not _can_check_in(rencontre):
        messages.error(request, _("Cette rencontre n'a pas lieu : impossible d'ajouter une personne."))
        return redirect(_checkin_url(rencontre))
    if request.method == "POST" and "member" in request.POST:
        try:
            member_id = int(request.POST["member"])
        except ValueError:
            member_id = 0
        member = get_object_or_404(member_list_visible_to(viewer=request.user), pk=member_id)  # type: ignore[arg-type]
        return _add_walk_in(request, rencontre, member)
    if request.method == "POST":
        form = WalkInCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            email = data["email"].strip().lower()
            # The person stands in front of the organiser and gives their own address:
            # someone already known is added as they are, never duplicated.
            existing = Member.objects.filter(email=email).first()
            if existing is not None:
                return _add_walk_in(request, rencontre, existing)
            try:
                member = member_create(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=email,
                    situation=Situation(data["situation"]),
                    phase=Phase(data["phase"]),
                    departement=data["departement"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _add_walk_in(request, rencontre, member)

    query = request.GET.get("q", "").strip()[:100]
    context = {
        "rencontre": rencontre,
        "query": query,
        "candidates": walk_in_candidates(viewer=request.user, rencontre=rencontre, query=query),  # type: ignore[arg-type]
        "form": form,
        "can_check_in": _can_check_in(rencontre),
    }
    template = "meetings/walk_in.html"
    if _is_htmx(request) and request.method == "GET":
        template += "#candidates"
    response = render(request, template, context, status=422 if form.errors else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Attendance sheet -------------------------------------------------------------------------


@access(STAFF)
@require_GET
def attendance_sheet(request: HttpRequest, rencontre_id: int) -> HttpResponse:
    """The feuille d'émargement: everyone with a seat by last name, a signature column, spare lines."""
    rencontre = _managed(request, rencontre_id)
    rows = list(
        Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "pk")
    )
    context = {
        "rencontre": rencontre,
        "rows": rows,
        "blank_lines": range(len(rows) + 1, len(rows) + 1 + SHEET_BLANK_LINES),
        "printed_at": timezone.now(),
    }
    return render(request, "meetings/attendance_sheet.html", context)
