"""Reads of the recommendations: a member's people to meet, rencontres for them, whom to invite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from pairs.accounts.models import User
from pairs.meetings.models import Registration, Rencontre
from pairs.meetings.selectors import rencontre_list_open_to_member
from pairs.meetings.services import ACTIVE
from pairs.members.models import Member
from pairs.members.selectors import member_list_visible_to
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent
from pairs_engine import matching as engine

from .models import PeerSuggestion
from .services import weight_set_active
from .translate import engine_profiles, engine_rencontres, rome_graph

# "Qui inviter ?" scores at most this many of the consultant's members (most recently updated first).
INVITEE_POOL = 3000


def peer_suggestion_list(*, member: Member) -> QuerySet[PeerSuggestion]:
    return (
        PeerSuggestion.objects.filter(member=member)
        .exclude(suggested__erasure__isnull=False)
        .select_related("suggested", "suggested__current_job", "suggested__departement", "batch__weight_set")
        .order_by("rank")
    )


@dataclass(frozen=True)
class RencontreForYou:
    rencontre: Rencontre
    score: float
    reasons: tuple[engine.Reason, ...]


def rencontres_for_member(*, member: Member, k: int = 3) -> list[RencontreForYou]:
    """Upcoming rencontres open to the member, best fit first, with the reasons (computed now)."""
    mine = Registration.objects.filter(member=member, status__in=ACTIVE).values("rencontre_id")
    candidates = list(
        rencontre_list_open_to_member(member=member)
        .exclude(pk__in=mine)
        .filter(starts_at__gt=timezone.now())
        .prefetch_related("topics", "target_domains")
        .order_by("starts_at")[:300]
    )
    candidates = [r for r in candidates if r.seats_left > 0]
    if not candidates:
        return []
    profiles = engine_profiles(Member.objects.filter(pk=member.pk))
    index = engine.build_index(profiles, rome=rome_graph())
    answer = engine.suggest_rencontres(
        index,
        member_id=member.pk,
        rencontres=engine_rencontres(candidates),
        k=k,
        weights=engine.Weights.from_dict(weight_set_active().weights),
    )
    by_id = {r.pk: r for r in candidates}
    return [
        RencontreForYou(by_id[item.id], item.score, item.reasons)
        for item in answer.items
        if item.id in by_id and item.reasons
    ]


@dataclass(frozen=True)
class InviteeSuggestion:
    member: Member
    score: float
    role: str  # "peer" | "step_ahead"
    reasons: tuple[engine.Reason, ...]


@dataclass(frozen=True)
class InviteeAnswer:
    items: list[InviteeSuggestion]
    empty_reason: str | None


def invitees_for_rencontre(*, rencontre: Rencontre, viewer: User, k: int = 15) -> InviteeAnswer:
    """Members the consultant may invite who fit the rencontre: peers and people a step ahead."""
    already: Any = list(rencontre.invitations.values_list("member_id", flat=True)) + list(
        rencontre.registrations.filter(status__in=ACTIVE).values_list("member_id", flat=True)
    )
    pool = (
        member_list_visible_to(viewer=viewer)
        .filter(erasure__isnull=True)
        # Only people who accept emails about rencontres can receive an invitation.
        .filter(pk__in=members_with_consent(kind=ConsentKind.RENCONTRE_EMAILS).values("pk"))
        .exclude(pk__in=already)
        .order_by("-updated_at")[:INVITEE_POOL]
    )
    members = {m.pk: m for m in pool}
    if not members:
        return InviteeAnswer([], None)
    profiles = engine_profiles(Member.objects.filter(pk__in=list(members)))
    index = engine.build_index(profiles, rome=rome_graph())
    rencontre = (
        Rencontre.objects.prefetch_related("topics", "target_domains")
        .select_related("place", "delegation")
        .get(pk=rencontre.pk)
    )
    [target] = engine_rencontres([rencontre])
    answer = engine.suggest_invitees(
        index, rencontre=target, k=k, weights=engine.Weights.from_dict(weight_set_active().weights)
    )
    items = [
        InviteeSuggestion(members[item.id], item.score, item.role, item.reasons)
        for item in answer.items
        if item.id in members and item.reasons
    ]
    return InviteeAnswer(items, answer.empty_reason)
