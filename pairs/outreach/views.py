"""Public pages (landing extras, "Restons en contact", legal pages) and the staff list of sign-ups."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.accounts.models import DELEGATION_ROLES
from pairs.core.access import PUBLIC, STAFF, access
from pairs.core.spreadsheets import cell_neutralise
from pairs.onboarding.selectors import ACTIVATION_MAX_AGE_DAYS
from pairs.privacy.models import ConsentKind
from pairs.privacy.services import GRACE_AFTER_WARNING, INACTIVITY_BEFORE_WARNING
from pairs.privacy.texts import consent_text_current

from .forms import AccessibilityReportForm, SignupFilterForm, SignupForm
from .models import Signup
from .selectors import (
    LinkRefusedError,
    signup_from_confirm_token,
    signup_from_unsubscribe_token,
    signup_list_visible_to,
    signup_search,
)
from .services import (
    ACCESSIBILITY_REPORT_MAX_AGE,
    CONFIRMED_MAX_AGE,
    THROTTLE_WINDOW,
    UNCONFIRMED_MAX_AGE,
    accessibility_report_create,
    signup_confirm,
    signup_invite_as_member,
    signup_submit,
    signup_unsubscribe,
    submission_allow,
)
from .texts import SIGNUP_CONSENT_TEXT

THROTTLED = gettext_lazy(
    "Trop d'envois depuis votre connexion en peu de temps. Patientez une dizaine de minutes, puis réessayez."
)


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR: behind a reverse proxy, the proxy must set it to the visitor's address.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _throttled(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, {**context, "throttled": THROTTLED}, status=429)
    response["Retry-After"] = str(int(THROTTLE_WINDOW.total_seconds()))
    return response


# --- "Restons en contact" -----------------------------------------------------------------------


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "outreach/signup.html", {"form": SignupForm()})
    form = SignupForm(request.POST)
    if not submission_allow(scope="signup", ip=_client_ip(request)):
        return _throttled(request, "outreach/signup.html", {"form": form})
    if form.is_bot():
        # Silently dropped: the same page as a real sign-up, nothing stored, nothing sent.
        return redirect("outreach:signup_sent")
    if not form.is_valid():
        return render(request, "outreach/signup.html", {"form": form})
    data = form.cleaned_data
    signup_submit(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        profile=data["profile"],
        departement=data["departement"],
        wishes=data["wishes"],
        message=data["message"],
        base_url=request.build_absolute_uri("/"),
    )
    # The same page whether the address was new, waiting or confirmed: nothing leaks.
    return redirect("outreach:signup_sent")


@access(PUBLIC)
@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/signup_sent.html")


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def signup_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET only checks the link (mail scanners open links); the button's POST confirms."""
    try:
        found = signup_from_confirm_token(token=token)
    except LinkRefusedError as refused:
        return render(request, "outreach/signup_confirm.html", {"refused": refused.message})
    if request.method == "POST":
        changed = signup_confirm(signup=found)
        return render(request, "outreach/signup_confirm.html", {"done": True, "changed": changed})
    return render(
        request,
        "outreach/signup_confirm.html",
        {"signup": found, "already": found.confirmed_at is not None},
    )


# No CSRF token: mail clients unsubscribe in one click with a bare POST (RFC 8058).
# The signed link is the only authority needed, and unsubscribing harms nobody.
@access(PUBLIC)
@csrf_exempt
@require_http_methods(["GET", "POST"])
def signup_unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = signup_from_unsubscribe_token(token=token)
    except LinkRefusedError as refused:
        return render(request, "outreach/signup_unsubscribe.html", {"refused": refused.message})
    if request.method == "POST":
        changed = signup_unsubscribe(signup=found)
        return render(request, "outreach/signup_unsubscribe.html", {"done": True, "changed": changed})
    return render(
        request,
        "outreach/signup_unsubscribe.html",
        {"signup": found, "already": found.unsubscribed_at is not None},
    )


# --- Staff: the list of sign-ups, exports, invitations --------------------------------------------


def _filter_form(request: HttpRequest) -> SignupFilterForm:
    return SignupFilterForm(
        request.GET or None,
        show_delegation=request.user.role not in DELEGATION_ROLES,  # type: ignore[union-attr]
    )


@access(STAFF)
@require_GET
def signup_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    signups = signup_search(viewer=request.user, filters=form.filters())  # type: ignore[arg-type]
    page = Paginator(signups, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/signup_list.html",
        {
            "form": form,
            "page": page,
            "signups": page.object_list,
            "query": query.urlencode(),
            "activation_days": ACTIVATION_MAX_AGE_DAYS,
        },
    )


EXPORT_COLUMNS = (
    ("created_at", "Inscrit·e le"),
    ("confirmed_at", "Adresse confirmée le"),
    ("first_name", "Prénom"),
    ("last_name", "Nom"),
    ("email", "Adresse email"),
    ("profile", "Profil"),
    ("departement", "Département"),
    ("wishes", "Souhaits"),
    ("message", "Message"),
    ("consent_at", "Consentement donné le"),
    ("consent_version", "Version du texte de consentement"),
    ("invited_at", "Invitation membre envoyée le"),
)


def _export_value(signup: Signup, name: str) -> str:
    if name == "profile":
        return str(signup.get_profile_display())
    if name == "departement":
        return str(signup.departement)
    if name == "wishes":
        return " ; ".join(signup.wish_labels())
    value = getattr(signup, name)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def export_rows(signups: Any) -> list[list[str]]:
    """Header then one row per sign-up, every cell neutralised against formula injection."""
    rows = [[title for _name, title in EXPORT_COLUMNS]]
    for item in signups:
        rows.append([cell_neutralise(_export_value(item, name)) for name, _title in EXPORT_COLUMNS])
    return rows


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Inscriptions"
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            # Text, never a formula, whatever the value starts with.
            cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@access(STAFF)
@require_GET
def signup_export(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    signups = signup_search(viewer=request.user, filters=form.filters())  # type: ignore[arg-type]
    rows = export_rows(signups.iterator(chunk_size=500))
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            _xlsx(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="restons-en-contact-{stamp}.xlsx"'
        return response
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    # UTF-8 with BOM and ";" so that Excel opens it right.
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="restons-en-contact-{stamp}.csv"'
    return response


@access(STAFF)
@require_POST
def signup_invite(request: HttpRequest, signup_id: int) -> HttpResponse:
    # Staff only reach the sign-ups they may see: anyone else's does not exist for them.
    found = get_object_or_404(signup_list_visible_to(viewer=request.user), pk=signup_id)  # type: ignore[arg-type]
    try:
        signup_invite_as_member(
            signup=found,
            invited_by=request.user,  # type: ignore[arg-type]
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation envoyée à %(email)s : le lien est valable %(days)d jours.")
            % {"email": found.email, "days": ACTIVATION_MAX_AGE_DAYS},
        )
    target = reverse("outreach:signup_list")
    back = request.POST.get("query", "")
    return redirect(f"{target}?{back}" if back and "\n" not in back else target)


# --- Legal and accessibility pages ----------------------------------------------------------------


@access(PUBLIC)
@require_GET
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/legal_notice.html")


@access(PUBLIC)
@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    # Texts and periods come from the code that applies them, so the page cannot drift from it.
    consents = [
        {"label": label, "text": consent_text_current(kind=kind).text} for kind, label in ConsentKind.choices
    ]
    context = {
        "consents": consents,
        "signup_consent_text": SIGNUP_CONSENT_TEXT,
        "inactivity_months": INACTIVITY_BEFORE_WARNING.days * 12 // 365,
        "grace_days": GRACE_AFTER_WARNING.days,
        "unconfirmed_days": UNCONFIRMED_MAX_AGE.days,
        "signup_years": CONFIRMED_MAX_AGE.days // 365,
        "report_years": ACCESSIBILITY_REPORT_MAX_AGE.days // 365,
        "throttle_minutes": int(THROTTLE_WINDOW.total_seconds() // 60),
        "activation_days": ACTIVATION_MAX_AGE_DAYS,
    }
    return render(request, "outreach/privacy_policy.html", context)


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "outreach/accessibility.html", {"form": AccessibilityReportForm()})
    form = AccessibilityReportForm(request.POST)
    if not submission_allow(scope="accessibility", ip=_client_ip(request)):
        return _throttled(request, "outreach/accessibility.html", {"form": form})
    if not form.is_bot():
        if not form.is_valid():
            return render(request, "outreach/accessibility.html", {"form": form})
        data = form.cleaned_data
        accessibility_report_create(
            description=data["description"], page_url=data["page_url"], name=data["name"], email=data["email"]
        )
    messages.success(request, _("Merci : votre signalement a bien été transmis à l'équipe."))
    return redirect(reverse("outreach:accessibility") + "#signaler")
