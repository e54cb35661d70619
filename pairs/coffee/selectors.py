"""Reads of the peer-coffee programme, scoped to what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Q, QuerySet

from pairs.members.models import Member
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .models import CoffeeOptIn, CoffeeParticipant, CoffeeRound, CoffeeWaiting, Outcome

# The URL code of the national pool on the staff pages (no delegation has this code).
NATIONAL_POOL = "national"


def period_index(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def coffee_opt_in_for(*, member: Member) -> CoffeeOptIn | None:
    return CoffeeOptIn.objects.filter(member=member).first()


def coffee_pool_members(*, delegation: Delegation | None) -> QuerySet[Member]:
    """Who may be paired in this pool today.

    Opted in, consent (a) granted, an active account, not erased; a delegation's pool is
    its members, the national pool is the members without a delegation who accept visio.
    """
    members = members_with_consent(kind=ConsentKind.RECOMMENDATIONS).filter(
        coffee_opt_in__active=True, user__is_active=True, erasure__isnull=True
    )
    if delegation is None:
        return members.filter(delegation__isnull=True, prefers_video=True)
    return members.filter(delegation=delegation)


def coffee_last_periods(*, member_ids: list[int]) -> dict[int, str]:
    """The latest round period each member took part in."""
    rows = (
        CoffeeParticipant.objects.filter(member_id__in=member_ids)
        .values_list("member_id", "pairing__round__period")
        .order_by()
    )
    latest: dict[int, str] = {}
    for member_id, period in rows:
        if period > latest.get(member_id, ""):
            latest[member_id] = period
    return latest


def coffee_past_pairs(*, member_ids: list[int]) -> set[tuple[int, int]]:
    """Every pair of these members who were already paired (a trio counts its three pairs)."""
    wanted = set(member_ids)
    groups: dict[int, list[int]] = defaultdict(list)
    rows = CoffeeParticipant.objects.filter(
        pairing_id__in=CoffeeParticipant.objects.filter(member_id__in=member_ids).values("pairing_id")
    ).values_list("pairing_id", "member_id")
    for pairing_id, member_id in rows:
        groups[pairing_id].append(member_id)
    past: set[tuple[int, int]] = set()
    for people in groups.values():
        for a, b in combinations(sorted(people), 2):
            if a in wanted and b in wanted:
                past.add((a, b))
    return past


def coffee_waiting_ids(*, delegation: Delegation | None) -> set[int]:
    """Members left without a partner by a round of this pool and not served since."""
    return set(
        CoffeeWaiting.objects.filter(round__delegation=delegation, served_in__isnull=True).values_list(
            "member_id", flat=True
        )
    )


@dataclass
class PairingView:
    """One of the member's pairings as the member page shows it."""

    participant: CoffeeParticipant
    others: list[CoffeeParticipant]
    reasons: dict[int, list[dict[str, object]]] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)  # revealed by mutual agreement only


def _contact_sharing_ids(member_ids: list[int]) -> set[int]:
    return set(
        members_with_consent(kind=ConsentKind.CONTACT_SHARING)
        .filter(pk__in=member_ids)
        .values_list("pk", flat=True)
    )


def coffee_emails_revealed(
    *, participant: CoffeeParticipant, others: list[CoffeeParticipant]
) -> dict[int, str]:
    """Each other's email, only when both ticked « partager » and both keep consent (b)."""
    if not participant.share_email:
        return {}
    consenting = _contact_sharing_ids([participant.member_id, *(o.member_id for o in others)])
    if participant.member_id not in consenting:
        return {}
    return {o.member_id: o.member.email for o in others if o.share_email and o.member_id in consenting}


def coffee_pairings_for(*, member: Member) -> list[PairingView]:
    """The member's pairings, the latest first, with the other people and why they were chosen."""
    mine = list(
        CoffeeParticipant.objects.filter(member=member)
        .select_related("pairing__round", "pairing__departement")
        .order_by("-pairing__round__started_at", "-pairing_id")
    )
    if not mine:
        return []
    others_of: dict[int, list[CoffeeParticipant]] = defaultdict(list)
    rows = (
        CoffeeParticipant.objects.filter(pairing_id__in=[p.pairing_id for p in mine])
        .exclude(member=member)
        .select_related("member__current_job", "member__departement")
        .order_by("id")
    )
    for row in rows:
        others_of[row.pairing_id].append(row)
    views = []
    for participant in mine:
        others = others_of.get(participant.pairing_id, [])
        reasons = {int(k): v for k, v in (participant.reasons or {}).items()}
        views.append(
            PairingView(
                participant=participant,
                others=others,
                reasons=reasons,
                emails=coffee_emails_revealed(participant=participant, others=others),
            )
        )
    return views


def coffee_participant_for(*, member: Member, participant_id: int) -> CoffeeParticipant | None:
    return (
        CoffeeParticipant.objects.filter(pk=participant_id, member=member)
        .select_related("pairing__round", "member")
        .first()
    )


def coffee_is_waiting(*, member: Member) -> bool:
    return CoffeeWaiting.objects.filter(member=member, served_in__isnull=True).exists()


def coffee_round_list(*, delegation: Delegation | None) -> QuerySet[CoffeeRound]:
    """The rounds of a pool with their answer figures (participants who said « rencontré·es »)."""
    return (
        CoffeeRound.objects.filter(delegation=delegation)
        .annotate(
            participant_count=Count("pairings__participants"),
            answered_count=Count(
                "pairings__participants", filter=~Q(pairings__participants__outcome=Outcome.PENDING)
            ),
            met_count=Count("pairings__participants", filter=Q(pairings__participants__outcome=Outcome.MET)),
        )
        .select_related("triggered_by")
        .order_by("-started_at", "-id")  # Meta.ordering does not apply to aggregate queries
    )


def coffee_pools() -> list[Delegation | None]:
    """Every pool that has someone opted in: delegations, then the national pool."""
    codes = set(
        CoffeeOptIn.objects.filter(active=True).values_list("member__delegation_id", flat=True).distinct()
    )
    pools: list[Delegation | None] = list(Delegation.objects.filter(pk__in=codes - {None}))
    if None in codes:
        pools.append(None)
    return pools
