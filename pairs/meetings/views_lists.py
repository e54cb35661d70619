"""Lists of rencontres: the open list with filters, a member's and a consultant's "Mes
rencontres", and a delegation's calendar (month grid or list)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from pairs.accounts.models import DELEGATION_ROLES, Role
from pairs.core.access import DELEGATION_STAFF, MEMBER, PUBLIC, STAFF, access
from pairs.members.selectors import topic_list_active
from pairs.network.models import Delegation
from pairs.reference.models import Departement

from .models import Format, Mode, Rencontre, Status
from .selectors import (
    consultant_rencontre_list,
    member_for_user,
    member_rencontres,
    rencontre_list_with_rates,
)
from .selectors_lists import (
    PARIS,
    RencontreFilters,
    attendance_rate,
    delegation_list_with_rencontres,
    delegation_month,
    fill_rate,
    rencontre_search,
    viewer_delegation,
)
from .services import waitlist_rank

RENCONTRES_PER_PAGE = 20
ORGANISED_PER_PAGE = 25
ALL_DELEGATIONS = "toutes"


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _render(request: HttpRequest, template: str, context: dict[str, Any], partial: str) -> HttpResponse:
    """The whole page, or only ``partial`` for htmx (live filters, pagination)."""
    response = render(request, f"{template}#{partial}" if _is_htmx(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- The open list ----------------------------------------------------------------------------


class RencontreFilterForm(forms.Form):
    """The filters of the list, read from the query string. An unknown value is ignored."""

    q = forms.CharField(
        label=_("Mots du titre"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    delegation = forms.ChoiceField(label=_("Délégation"), required=False)
    departement = forms.ChoiceField(label=_("Près de chez moi (département, et la visio)"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    mode = forms.ChoiceField(label=_("Modalité"), required=False)
    topic = forms.ChoiceField(label=_("Thème"), required=False)
    periode = forms.ChoiceField(
        label=_("Quand"),
        required=False,
        choices=[
            ("", _("Toutes les dates à venir")),
            ("semaine", _("Dans les 7 jours")),
            ("mois", _("Dans le mois")),
            ("trimestre", _("Dans les 3 mois")),
        ],
    )

    def __init__(self, *args: Any, default_delegation: Delegation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delegations = list(delegation_list_with_rencontres())
        if default_delegation is not None and default_delegation not in delegations:
            delegations = sorted([*delegations, default_delegation], key=lambda d: d.name)
        self.fields["delegation"].choices = [
            (ALL_DELEGATIONS, _("Toutes les délégations")),
            *((d.code, d.name) for d in delegations),
        ]
        # A member lands on their own delegation's rencontres; "all" stays one click away.
        self.default_delegation = default_delegation.code if default_delegation else ALL_DELEGATIONS
        if not self.data.get("delegation"):
            self.data = self.data.copy()
            self.data["delegation"] = self.default_delegation
        self.fields["departement"].choices = [
            ("", _("Tous les départements")),
            *((d.code, f"{d.code} – {d.label}") for d in Departement.objects.order_by("code")),
        ]
        self.fields["format"].choices = [("", _("Tous les formats")), *Format.choices]
        self.fields["mode"].choices = [("", _("Toutes")), *Mode.choices]
        self.fields["topic"].choices = [
            ("", _("Tous les thèmes")),
            *((t.slug, t.label) for t in topic_list_active()),
        ]

    def filters(self) -> RencontreFilters:
        self.is_valid()  # a wrong value is dropped: cleaned_data keeps the valid fields only
        data = self.cleaned_data
        delegation = data.get("delegation", "")
        return RencontreFilters(
            delegation="" if delegation == ALL_DELEGATIONS else delegation,
            format=data.get("format", ""),
            mode=data.get("mode", ""),
            topic=data.get("topic", ""),
            period=data.get("periode", ""),
            query=data.get("q", ""),
            departement=data.get("departement", ""),
        )


@access(PUBLIC)
@require_GET
def rencontre_list(request: HttpRequest) -> HttpResponse:
    """Upcoming rencontres the visitor may open; members start on their delegation's."""
    viewer = request.user if request.user.is_authenticated else None
    home = viewer_delegation(viewer=viewer)  # type: ignore[arg-type]
    form = RencontreFilterForm(request.GET, default_delegation=home)
    filters = form.filters()
    paginator = Paginator(rencontre_search(viewer=viewer, filters=filters), RENCONTRES_PER_PAGE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "home": home,
        "filtered_on_home": home is not None and filters.delegation == home.code,
        "feed_delegation": Delegation.objects.filter(code=filters.delegation).first()
        if filters.delegation
        else None,
    }
    return _render(request, "meetings/list.html", context, "results")


# --- A member's rencontres --------------------------------------------------------------------


@access(MEMBER)
@require_GET
def my_rencontres(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)  # type: ignore[arg-type]
    lists = member_rencontres(member=member) if member is not None else None
    waitlisted = (
        [(registration, waitlist_rank(registration=registration)) for registration in lists.waitlisted]
        if lists
        else []
    )
    context = {"member": member, "lists": lists, "waitlisted": waitlisted}
    return render(request, "meetings/my_rencontres.html", context)


# --- A consultant's rencontres ----------------------------------------------------------------


class OrganisedFilterForm(forms.Form):
    quand = forms.ChoiceField(
        label=_("Quand"),
        required=False,
        choices=[("", _("À venir et en cours")), ("passees", _("Passées")), ("toutes", _("Toutes"))],
    )
    delegation = forms.ChoiceField(label=_("Délégation"), required=False)
    portee = forms.ChoiceField(
        label=_("Rencontres"),
        required=False,
        choices=[("", _("Celles que j'organise ou co-organise")), ("delegation", _("Toute ma délégation"))],
    )

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if role in (Role.NATIONAL, Role.ADMIN):
            del self.fields["portee"]
            self.fields["delegation"].choices = [
                ("", _("Toutes les délégations")),
                *((d.code, d.name) for d in delegation_list_with_rencontres()),
            ]
        else:
            del self.fields["delegation"]
            if role != Role.DELEGATION_LEAD:
                del self.fields["portee"]


@access(STAFF)
@require_GET
def consultant_rencontres(request: HttpRequest) -> HttpResponse:
    """What the consultant organises (leads: optionally their whole delegation; national: all)."""
    user = request.user
    form = OrganisedFilterForm(request.GET, role=user.role)  # type: ignore[union-attr]
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    consultant = getattr(user, "consultant", None)
    if user.role in DELEGATION_ROLES:  # type: ignore[union-attr]
        if consultant is None:
            raise Http404
        if data.get("portee") == "delegation":
            rencontres = rencontre_list_with_rates(
                rencontres=Rencontre.objects.select_related("delegation", "place", "organiser__user").filter(
                    delegation_id=consultant.delegation_id
                )
            )
        else:
            rencontres = consultant_rencontre_list(consultant=consultant)
    else:
        rencontres = rencontre_list_with_rates(
            rencontres=Rencontre.objects.select_related("delegation", "place", "organiser__user")
        )
        if data.get("delegation"):
            rencontres = rencontres.filter(delegation__code=data["delegation"])
    now = timezone.now()
    when = data.get("quand", "")
    if when == "passees":
        rencontres = rencontres.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    elif when == "toutes":
        rencontres = rencontres.order_by("-starts_at", "-pk")
    else:
        rencontres = rencontres.filter(ends_at__gt=now).order_by("starts_at", "pk")
    page = Paginator(rencontres, ORGANISED_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "rencontre": rencontre,
            "fill": fill_rate(rencontre),
            "attendance": attendance_rate(present=rencontre.present_count, absent=rencontre.absent_count),
            "can_check_in": rencontre.status == Status.PUBLISHED,
        }
        for rencontre in page
    ]
    context = {"form": form, "page": page, "rows": rows, "when": when, "can_create": consultant is not None}
    return _render(request, "meetings/consultant_rencontres.html", context, "results")


# --- A delegation's calendar ------------------------------------------------------------------


def _month_from(value: str, today: date) -> tuple[int, int]:
    """``2026-12`` → (2026, 12); anything else → this month."""
    try:
        year_text, month_text = value.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


@access(DELEGATION_STAFF)
@require_GET
def delegation_calendar(request: HttpRequest, delegation_code: str) -> HttpResponse:
    """A month of the delegation's rencontres, as a grid (``?mois=2026-12``) or a list (``?vue=liste``)."""
    delegation = get_object_or_404(Delegation, code=delegation_code)
    today = timezone.localdate(timezone=PARIS)
    year, month = _month_from(request.GET.get("mois", ""), today)
    grid = delegation_month(viewer=request.user, delegation=delegation, year=year, month=month, today=today)  # type: ignore[arg-type]
    view = "liste" if request.GET.get("vue") == "liste" else "mois"
    context = {"delegation": delegation, "month": grid, "view": view, "today": today}
    return render(request, "meetings/delegation_calendar.html", context)
