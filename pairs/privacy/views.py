"""« Mes données » for members (consents, export, erasure) and the audit trail for the national team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairs.core.access import MEMBER, NATIONAL, access
from pairs.members.models import Member

from .exports import member_data_export, member_data_tables
from .forms import AuditFilterForm, ConsentForm, EraseConfirmForm
from .models import ConsentKind, ConsentSource, ProfileAction
from .selectors import consent_state, profile_access_list, profile_access_search
from .services import consent_grant, consent_revoke, member_erase, profile_access_record
from .texts import consent_text_current


def _own_member(request: HttpRequest) -> Member:
    """The signed-in member's own profile: these pages never take a member from the URL."""
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404(_("Aucun profil de membre n'est associé à ce compte."))
    return member


def _consents(member: Member) -> list[dict[str, object]]:
    state = consent_state(member=member)
    return [
        {
            "kind": kind,
            "label": label,
            "text": consent_text_current(kind=kind).text,
            "granted": state[kind],
        }
        for kind, label in ConsentKind.choices
    ]


@access(MEMBER)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    context: dict[str, object] = {"member": member}
    if member is not None:
        context["consents"] = _consents(member)
        context["tables"] = member_data_tables(member=member)
        context["accesses"] = profile_access_list(member=member)[:10]
    return render(request, "privacy/home.html", context)


@access(MEMBER)
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    form = ConsentForm(request.POST)
    if form.is_valid():
        change = consent_grant if form.cleaned_data["granted"] else consent_revoke
        change(
            member=member,
            kind=form.cleaned_data["kind"],
            source=ConsentSource.PROFILE,
            recorded_by=request.user,  # type: ignore[arg-type]
        )
        label = ConsentKind(form.cleaned_data["kind"]).label
        if form.cleaned_data["granted"] and form.cleaned_data["kind"] == ConsentKind.CONTACT_SHARING:
            # Mutual wishes to stay in touch that waited for this consent become connections now.
            from pairs.feedback.services import connections_create_pending

            connections_create_pending(member=member)
        if form.cleaned_data["granted"]:
            notice = _("Consentement accordé : %(label)s.") % {"label": label}
        else:
            notice = _("Consentement retiré : %(label)s.") % {"label": label}
    else:
        notice = _("Consentement : choix non reconnu, rien n'a été modifié.")
    if request.htmx:  # type: ignore[attr-defined]
        context = {"member": member, "consents": _consents(member), "consent_notice": notice}
        return render(request, "privacy/home.html#consents", context)
    messages.add_message(request, messages.SUCCESS if form.is_valid() else messages.ERROR, notice)
    return redirect("privacy:home")


@access(MEMBER)
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    profile_access_record(actor=request.user, member=member, action=ProfileAction.EXPORT)  # type: ignore[arg-type]
    archive = member_data_export(member=member)
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access(MEMBER)
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if request.method == "POST":
        form = EraseConfirmForm(request.POST, expected_email=member.email)
        if form.is_valid():
            member_erase(member=member, actor=request.user)  # type: ignore[arg-type]
            logout(request)
            messages.success(request, _("Vos données ont été effacées et votre compte fermé."))
            return redirect("core:home")
    else:
        form = EraseConfirmForm(expected_email=member.email)
    return render(request, "privacy/erase.html", {"member": member, "form": form})


@access(NATIONAL)
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = profile_access_search(
        member_email=filters.get("member_email", ""),
        actor_email=filters.get("actor_email", ""),
        action=filters.get("action", ""),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/audit.html", {"form": form, "page": page})
