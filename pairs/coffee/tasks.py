"""Background tasks of the peer-coffee programme: one round per pool, and the monthly fan-out."""

from __future__ import annotations

from django_tasks import task


@task()
def coffee_round(
    *, delegation_id: int | None, odd_policy: str = "trio", triggered_by_id: int | None = None
) -> dict[str, object]:
    """One round for one pool (``delegation_id=None``: the national pool in visio)."""
    from django.utils import timezone

    from pairs.accounts.models import User
    from pairs.network.models import Delegation

    from .services import coffee_round_run

    delegation = Delegation.objects.get(pk=delegation_id) if delegation_id is not None else None
    triggered_by = User.objects.filter(pk=triggered_by_id).first() if triggered_by_id else None
    result = coffee_round_run(
        delegation=delegation, now=timezone.now(), odd_policy=odd_policy, triggered_by=triggered_by
    )
    return {
        "round": result.pk,
        "members": result.member_count,
        "pairs": result.pair_count,
        "trios": result.trio_count,
        "gap": result.gap,
        "exact": result.exact,
    }


@task()
def coffee_rounds_monthly() -> int:
    """Fan out: one task per pool that has no round yet this month (safe to run daily)."""
    from django.utils import timezone

    from .services import coffee_pools_due

    pools = coffee_pools_due(now=timezone.now())
    for pool in pools:
        coffee_round.enqueue(delegation_id=pool.pk if pool is not None else None)
    return len(pools)
