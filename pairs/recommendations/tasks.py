"""Background tasks of the recommendations: one per delegation, so many workers share the night."""

from __future__ import annotations

from django_tasks import task


@task()
def suggestions_delegation(*, delegation_id: int) -> dict[str, float | int | None]:
    from pairs.network.models import Delegation

    from .services import suggestions_compute_delegation

    batch = suggestions_compute_delegation(delegation=Delegation.objects.get(pk=delegation_id))
    return {
        "members": batch.member_count,
        "coverage": batch.coverage,
        "gini": batch.gini,
        "seconds": batch.seconds,
    }


@task()
def suggestions_nightly() -> int:
    """Fan out: one task per delegation, for whichever workers are free."""
    from pairs.network.models import Delegation

    ids = list(Delegation.objects.values_list("pk", flat=True))
    for delegation_id in ids:
        suggestions_delegation.enqueue(delegation_id=delegation_id)
    return len(ids)


@task()
def suggestions_member(*, member_id: int) -> int:
    from pairs.members.models import Member

    from .services import suggestions_refresh_member

    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return 0
    return suggestions_refresh_member(member=member).suggestion_count
