from __future__ import annotations

from math import ceil
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from pairs.core.access import MEMBER, STAFF, access
from pairs.privacy.models import ConsentKind

from .models import Phase, Situation
from .selectors import (
    MemberSearchFilters,
    departement_list,
    member_list_by_ids,
    member_search,
    rome_domaine_list,
    topic_list_active,
)

MEMBERS_PER_PAGE = 50
# Counting stops here: beyond 100 pages a consultant refines the filters rather than reads
# on, and an exact count of 85,000 members costs more than the page itself.
COUNT_LIMIT = 5000


class CappedPaginator(Paginator):
    """Counts at most COUNT_LIMIT rows (one COUNT over a LIMITed subquery, without ORDER BY);
    `capped` says there are more, and the pages stop at the limit."""

    @cached_property
    def count(self) -> int:
        return min(self.object_list.order_by()[: COUNT_LIMIT + 1].count(), COUNT_LIMIT + 1)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @cached_property
    def num_pages(self) -> int:
        return ceil(min(self.count, COUNT_LIMIT) / self.per_page) or 1


class MemberSearchForm(forms.Form):
    """The filters of the member list, read from the query string (GET)."""

    q = forms.CharField(
        label=_("Nom ou mots du profil"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Cherche dans les noms et dans « ce que je cherche » / « ce que je peux apporter »."),
    )
    situation = forms.ChoiceField(label=_("Situation"), required=False)
    phase = forms.ChoiceField(label=_("Étape de la transition"), required=False)
    rome = forms.ChoiceField(label=_("Domaine du métier actuel (ROME)"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    topic = forms.ChoiceField(label=_("Thématique"), required=False)
    topic_role = forms.ChoiceField(
        label=_("Thématique…"),
        required=False,
        choices=[("", _("recherchée ou proposée")), ("sought", _("recherchée")), ("offered", _("proposée"))],
    )
    consent = forms.ChoiceField(
        label=_("Consentement"),
        required=False,
        choices=[("", _("Tous les membres")), *ConsentKind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = ("", _("Toutes"))
        self.fields["situation"].choices = [every, *Situation.choices]
        self.fields["phase"].choices = [every, *Phase.choices]
        self.fields["departement"].choices = [
            ("", _("Tous")),
            *((d.code, str(d)) for d in departement_list()),
        ]
        self.fields["topic"].choices = [every, *((t.slug, t.label) for t in topic_list_active())]
        # Grand domaines as groups; choosing the group's first option takes the whole grand domaine.
        groups: dict[str, list[tuple[str, str]]] = {}
        for domaine in rome_domaine_list():
            grand = domaine.grand_domaine
            if str(grand) not in groups:
                groups[str(grand)] = [
                    (grand.code, _("Tout le grand domaine %(code)s") % {"code": grand.code})
                ]
            groups[str(grand)].append((domaine.code, str(domaine)))
        self.fields["rome"].choices = [("", _("Tous")), *groups.items()]

    def selects(self) -> list[tuple[forms.BoundField, list[tuple[str, list[tuple[str, str, bool]]]]]]:
        """Each select field with its options as (group label or "", [(value, label, selected)]).

        The template writes the options itself: Django's widgets render one template per
        option, and the ~280 options of these filters took longer than the search.
        """
        selects = []
        for name, field in self.fields.items():
            if not isinstance(field, forms.ChoiceField):
                continue
            bound = self[name]
            current = str(bound.value() or "")
            groups: list[tuple[str, list[tuple[str, str, bool]]]] = []
            for value, label in field.choices:
                if isinstance(label, list | tuple):
                    groups.append((str(value), [(str(v), str(lab), str(v) == current) for v, lab in label]))
                else:
                    if not groups or groups[-1][0]:
                        groups.append(("", []))
                    groups[-1][1].append((str(value), str(label), str(value) == current))
            selects.append((bound, groups))
        return selects

    def filters(self) -> MemberSearchFilters:
        """The valid filters; a wrong value is reported on its field and ignored."""
        data = {name: value for name, value in self.cleaned_data.items() if value}
        return MemberSearchFilters(
            query=data.get("q", ""),
            situation=data.get("situation", ""),
            phase=data.get("phase", ""),
            rome=data.get("rome", ""),
            departement=data.get("departement", ""),
            topic=data.get("topic", ""),
            topic_role=data.get("topic_role", ""),
            consent=data.get("consent", ""),
        )


@access(STAFF)
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberSearchForm(request.GET)
    form.is_valid()
    members = member_search(viewer=request.user, filters=form.filters())  # type: ignore[arg-type]
    # Page through ids only, then fetch the page's 50 members: deep pages skip narrow rows
    # instead of joined ones. The paginator counts once (cached); the template reuses it.
    paginator = CappedPaginator(members.values_list("pk", flat=True), MEMBERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = member_list_by_ids(ids=list(page.object_list))
    context = {
        "form": form,
        "page": page,
        "searching": bool(form.filters().query),
        "count_limit": number_format(COUNT_LIMIT, force_grouping=True),
    }
    # Live filtering swaps the results only; a history restore needs the whole page.
    htmx = getattr(request, "htmx", None)
    template = "members/member_list.html"
    if htmx and not htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@access(MEMBER)
@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    return render(request, "members/my_profile.html", {"member": member})
