"""Reads on the network."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Delegation


def delegation_for_departement(*, departement_code: str) -> Delegation | None:
    """The delegation covering a département, or None (overseas départements have none)."""
    return Delegation.objects.filter(regions__departements__code=departement_code).first()


def delegation_list_with_counts() -> QuerySet[Delegation]:
    return Delegation.objects.annotate(
        member_count=Count("members", distinct=True),
        consultant_count=Count("consultants", distinct=True),
    ).order_by("name")
