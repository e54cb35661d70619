"""Reads on the network."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pairs.members.models import Member

from .models import Consultant, Delegation


def delegation_for_departement(*, departement_code: str) -> Delegation | None:
    """The delegation covering a département, or None (overseas départements have none)."""
    return Delegation.objects.filter(regions__departements__code=departement_code).first()


def _count_of(queryset: QuerySet) -> Coalesce:
    # One correlated count per delegation: joining members and consultants in
    # one query would multiply their rows before counting.
    counted = queryset.filter(delegation=OuterRef("pk")).order_by().values("delegation")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def delegation_list_with_counts() -> QuerySet[Delegation]:
    return Delegation.objects.annotate(
        member_count=_count_of(Member.objects.all()),
        consultant_count=_count_of(Consultant.objects.all()),
    ).order_by("name")
