"""Writes of the peer-coffee programme: joining and leaving, running a round, recording what happened.

A round (``coffee_round_run``) reads one pool's eligible members, scores every candidate
pair with the matching engine's reciprocal score (``pair_scores`` on all pairs up to
``DENSE_LIMIT`` members, else the top ``CANDIDATES_K`` of ``suggest_batch``), removes past
coffee pairs and ``exclusions_for`` (dismissed, already met at a rencontre), and hands the
rest to ``pairs_engine.planning.pair_round``. Members left alone by the previous round get
``PRIORITY_BONUS`` on every edge they have, so the matching serves them first. The round,
its binômes/trios with reasons, format and slot, and the introduction emails are written
in one transaction: either all of it exists or none of it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import combinations
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairs.accounts.models import User
from pairs.members.models import Member
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent
from pairs.recommendations.services import exclusions_for, weight_set_active
from pairs.recommendations.translate import engine_profiles, rome_graph
from pairs_engine import matching as engine
from pairs_engine.planning import pair_round

from .models import (
    CoffeeOptIn,
    CoffeePairing,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeWaiting,
    Frequency,
    MeetingFormat,
    OddPolicy,
    Outcome,
)
from .selectors import (
    coffee_last_periods,
    coffee_past_pairs,
    coffee_pool_members,
    coffee_waiting_ids,
    period_index,
)

PARIS = ZoneInfo("Europe/Paris")
DENSE_LIMIT = 1200  # all pairs scored up to here (≈ 720,000 pairs); above, top-k candidates
CANDIDATES_K = 30
# Weights are in [0, 1]: +0.5 on each edge of a waiting member makes covering them worth
# more than any ordinary rearrangement of a short alternating path.
PRIORITY_BONUS = 0.5
TIME_BUDGET = 10.0
MAX_REASONS = 4


class CoffeeError(ValidationError):
    """A refused action; the message is French and shown as is."""


def period_of(now: datetime) -> str:
    return timezone.localtime(now, PARIS).strftime("%Y-%m")


# --- Joining and leaving ---------------------------------------------------------------------


@transaction.atomic
def coffee_opt_in(
    *, member: Member, frequency: int = Frequency.MONTHLY, share_email: bool = False, now: datetime
) -> CoffeeOptIn:
    """Join (or update one's participation in) the programme."""
    if not members_with_consent(kind=ConsentKind.RECOMMENDATIONS).filter(pk=member.pk).exists():
        raise CoffeeError(
            _(
                "Le café entre pairs s'appuie sur les recommandations : acceptez d'abord d'apparaître "
                "dans les recommandations des autres membres, dans « Mes données »."
            ),
            code="no_consent",
        )
    if member.delegation_id is None and not member.prefers_video:
        raise CoffeeError(
            _(
                "Sans délégation régionale, le café entre pairs se fait en visio, avec des membres de toute "
                "la France : cochez « rencontres en visio » dans votre profil pour le rejoindre."
            ),
            code="no_pool",
        )
    opt_in = CoffeeOptIn.objects.select_for_update().filter(member=member).first()
    if opt_in is None:
        return CoffeeOptIn.objects.create(
            member=member, frequency=Frequency(frequency), share_email=share_email, joined_at=now
        )
    if not opt_in.active:
        opt_in.joined_at = now
        opt_in.left_at = None
    opt_in.active = True
    opt_in.frequency = Frequency(frequency)
    opt_in.share_email = share_email
    opt_in.save(update_fields=["active", "frequency", "share_email", "joined_at", "left_at"])
    return opt_in


@transaction.atomic
def coffee_opt_out(*, member: Member, now: datetime) -> CoffeeOptIn | None:
    """Leave the programme: no new pairing; current and past pairings stay visible to the member."""
    opt_in = CoffeeOptIn.objects.select_for_update().filter(member=member).first()
    if opt_in is None or not opt_in.active:
        return opt_in
    opt_in.active = False
    opt_in.left_at = now
    opt_in.save(update_fields=["active", "left_at"])
    # Nobody waits for a round they will not take part in.
    CoffeeWaiting.objects.filter(member=member, served_in__isnull=True).delete()
    return opt_in


# --- Recording what happened -----------------------------------------------------------------


@transaction.atomic
def coffee_outcome_record(*, participant: CoffeeParticipant, outcome: str, now: datetime) -> bool:
    """« Nous nous sommes rencontré·es » / « Cela ne s'est pas fait », once per person.

    Returns False (and changes nothing) when this person already answered.
    """
    if outcome not in (Outcome.MET, Outcome.NOT_MET):
        raise CoffeeError(_("Réponse inconnue."), code="unknown_outcome")
    recorded = CoffeeParticipant.objects.filter(pk=participant.pk, outcome=Outcome.PENDING).update(
        outcome=outcome, outcome_at=now
    )
    participant.refresh_from_db(fields=["outcome", "outcome_at"])
    return bool(recorded)


def coffee_share_email_set(*, participant: CoffeeParticipant, share: bool) -> CoffeeParticipant:
    CoffeeParticipant.objects.filter(pk=participant.pk).update(share_email=share)
    participant.share_email = share
    return participant


# --- Rounds ----------------------------------------------------------------------------------


def _pool_lock(*, delegation: Delegation | None) -> None:
    """Serialise the rounds of one pool (PostgreSQL row locks on its opt-ins).

    A second round of the same pool waits here until the first commits, then reads its
    pairs as past pairs and its members as already served this month: no repeated pair,
    nobody paired twice, even when « lancer un tour » meets the monthly task.
    """
    opt_ins = CoffeeOptIn.objects.select_for_update(of=("self",)).filter(active=True)
    if delegation is None:
        opt_ins = opt_ins.filter(member__delegation__isnull=True)
    else:
        opt_ins = opt_ins.filter(member__delegation=delegation)
    list(opt_ins.order_by("pk").values_list("pk", flat=True))


def _eligible(*, delegation: Delegation | None, period: str) -> list[Member]:
    members = list(
        coffee_pool_members(delegation=delegation)
        .select_related("coffee_opt_in", "departement", "current_job")
        .order_by("pk")
    )
    last = coffee_last_periods(member_ids=[m.pk for m in members])
    here = period_index(period)
    return [
        m
        for m in members
        if m.pk not in last or here - period_index(last[m.pk]) >= m.coffee_opt_in.frequency  # type: ignore[attr-defined]
    ]


def _candidates(
    *, index: engine.MatchingIndex, ids: list[int], weights: engine.Weights, excluded: set[tuple[int, int]]
) -> dict[int, list[tuple[int, float]]]:
    """Reciprocal scores of candidate pairs: every pair for a small pool, top-k lists for a large one."""
    rows = np.asarray([index.row_of[i] for i in ids], dtype=np.int64)
    found: dict[int, list[tuple[int, float]]] = {i: [] for i in ids}
    if len(ids) <= DENSE_LIMIT:
        left, right = np.triu_indices(len(ids), 1)
        score, _f, _b = engine.pair_scores(index, rows[left], rows[right], weights)
        for a, b, s in zip(left.tolist(), right.tolist(), score.tolist(), strict=True):
            if s > 0:
                found[ids[a]].append((ids[b], float(s)))
        return found
    exclude: dict[int, set[int]] = {}
    for a, b in excluded:
        exclude.setdefault(a, set()).add(b)
        exclude.setdefault(b, set()).add(a)
    result = engine.suggest_batch(index, member_ids=ids, k=CANDIDATES_K, weights=weights, exclude=exclude)
    for position, member_id in enumerate(result.member_ids.tolist()):
        for other, s in zip(
            result.suggestion_ids[position].tolist(), result.scores[position].tolist(), strict=True
        ):
            if other >= 0 and s > 0:
                found[member_id].append((int(other), float(s)))
    return found


def _with_priority(
    candidates: dict[int, list[tuple[int, float]]], waiting: set[int]
) -> dict[int, list[tuple[int, float]]]:
    if not waiting:
        return candidates
    return {
        a: [(b, s + PRIORITY_BONUS * ((a in waiting) + (b in waiting))) for b, s in partners]
        for a, partners in candidates.items()
    }


def _video_only(member: Member) -> bool:
    return member.prefers_video and not member.prefers_in_person


def _open_to_video(member: Member) -> bool:
    # No preference stated: open to both, as the profile form says.
    return member.prefers_video or not member.prefers_in_person


def suggested_format(*, people: Sequence[Member], national: bool) -> tuple[str, str | None]:
    """(format, département code): visio when the pool is national or someone prefers visio only;
    a café in the shared département otherwise; visio again when they live apart and all accept it."""
    if national or any(_video_only(m) for m in people):
        return MeetingFormat.VIDEO, None
    departements = {m.departement_id for m in people}
    if len(departements) == 1 and None not in departements:
        return MeetingFormat.IN_PERSON, next(iter(departements))
    if all(_open_to_video(m) for m in people):
        return MeetingFormat.VIDEO, None
    known = [m.departement_id for m in people if m.departement_id]
    return MeetingFormat.IN_PERSON, (known[0] if known else None)


def suggested_slot(*, people: Sequence[Member]) -> str:
    """The first slot (Monday morning … Friday evening) in everyone's availability, or ""."""
    common = set(engine.SLOTS)
    for member in people:
        common &= set(member.availability or ())
    return next((slot for slot in engine.SLOTS if slot in common), "")


def _reasons(
    index: engine.MatchingIndex, weights: engine.Weights, member_id: int, others: Sequence[int]
) -> dict[str, list[dict[str, Any]]]:
    me = index.row_of[member_id]
    return {
        str(other): [
            {"code": r.code, "text": r.text, "weight": round(r.weight, 4)}
            for r in engine.explain_pair(index, me, index.row_of[other], weights)[:MAX_REASONS]
        ]
        for other in others
    }


def coffee_round_run(
    *,
    delegation: Delegation | None,
    now: datetime,
    odd_policy: str = OddPolicy.TRIO,
    triggered_by: User | None = None,
    send_emails: bool = True,
    time_budget: float = TIME_BUDGET,
) -> CoffeeRound:
    """One round for one pool (a delegation, or ``None`` for the national pool in visio).

    A failure is stored as a failed round (visible on the staff page) and raised again.
    """
    started = time.perf_counter()
    try:
        return _round_run(
            delegation=delegation,
            now=now,
            odd_policy=odd_policy,
            triggered_by=triggered_by,
            send_emails=send_emails,
            time_budget=time_budget,
            started=started,
        )
    except Exception as error:
        CoffeeRound.objects.create(
            delegation=delegation,
            period=period_of(now),
            odd_policy=odd_policy,
            status=CoffeeRound.Status.FAILED,
            started_at=now,
            finished_at=now,
            triggered_by=triggered_by,
            seconds=round(time.perf_counter() - started, 3),
            note=f"{type(error).__name__}: {error}"[:2000],
        )
        raise


@transaction.atomic
def _round_run(
    *,
    delegation: Delegation | None,
    now: datetime,
    odd_policy: str,
    triggered_by: User | None,
    send_emails: bool,
    time_budget: float,
    started: float,
) -> CoffeeRound:
    from .notifications import notify_pairing

    _pool_lock(delegation=delegation)
    period = period_of(now)
    members = _eligible(delegation=delegation, period=period)
    by_id = {m.pk: m for m in members}
    ids = list(by_id)
    waiting = coffee_waiting_ids(delegation=delegation) & set(ids)
    weight_set = weight_set_active()
    weights = engine.Weights.from_dict(weight_set.weights)
    past = coffee_past_pairs(member_ids=ids)
    excluded = set(past)
    for a, others in exclusions_for(member_ids=ids).items():
        for b in others:
            if a in by_id and b in by_id:
                excluded.add((min(a, b), max(a, b)))
    index = engine.build_index(engine_profiles(Member.objects.filter(pk__in=ids)), rome=rome_graph())
    ids = [i for i in ids if i in index.row_of]
    candidates = _candidates(index=index, ids=ids, weights=weights, excluded=excluded)
    result = pair_round(
        members=ids,
        candidates=_with_priority(candidates, waiting),
        past_pairs=excluded,
        odd=OddPolicy(odd_policy).value,  # type: ignore[arg-type]
        time_budget=time_budget,
    )
    score_of = {(min(a, b), max(a, b)): s for a, partners in candidates.items() for b, s in partners}
    groups: list[tuple[int, ...]] = [tuple(p) for p in result.pairs]  # type: ignore[arg-type]
    in_trio = {frozenset((a, b)) for _x, a, b in result.trios}
    groups = [g for g in groups if frozenset(g) not in in_trio]
    groups += [(a, b, x) for x, a, b in result.trios]  # type: ignore[misc]
    notes = []
    if result.reason:
        notes.append(result.reason)
    if waiting:
        notes.append(
            _("%(n)d personne(s) prioritaire(s) ; le poids total inclut leur bonus de priorité.")
            % {"n": len(waiting)}
        )
    with transaction.atomic():
        coffee_round = CoffeeRound.objects.create(
            delegation=delegation,
            period=period,
            odd_policy=odd_policy,
            started_at=now,
            triggered_by=triggered_by,
            member_count=len(ids),
            pair_count=len(result.pairs) - len(result.trios),
            trio_count=len(result.trios),
            priority_count=len(result.priority),
            method=result.method[:60],
            exact=result.exact,
            total_weight=float(result.total_weight),
            upper_bound=float(result.upper_bound),
            gap=float(result.gap),
            note="\n".join(notes),
        )
        participants: list[CoffeeParticipant] = []
        pairings: list[CoffeePairing] = []
        for group in groups:
            people = [by_id[i] for i in group]
            fmt, departement = suggested_format(people=people, national=delegation is None)
            pairings.append(
                CoffeePairing(
                    round=coffee_round,
                    format=fmt,
                    departement_id=departement,
                    slot=suggested_slot(people=people),
                    score=round(
                        sum(score_of.get((min(a, b), max(a, b)), 0.0) for a, b in combinations(group, 2))
                        / max(1, len(group) * (len(group) - 1) // 2),
                        6,
                    ),
                )
            )
        CoffeePairing.objects.bulk_create(pairings)
        if pairings and pairings[0].pk is None:  # backends without RETURNING on bulk insert
            pairings = list(CoffeePairing.objects.filter(round=coffee_round).order_by("id"))
        for pairing, group in zip(pairings, groups, strict=True):
            for member_id in group:
                participants.append(
                    CoffeeParticipant(
                        pairing=pairing,
                        member_id=member_id,
                        reasons=_reasons(index, weights, member_id, [o for o in group if o != member_id]),
                        share_email=by_id[member_id].coffee_opt_in.share_email,  # type: ignore[attr-defined]
                    )
                )
        CoffeeParticipant.objects.bulk_create(participants, batch_size=2000)
        paired = {p.member_id for p in participants}
        CoffeeWaiting.objects.filter(
            round__delegation=delegation, served_in__isnull=True, member_id__in=paired
        ).update(served_in=coffee_round)
        CoffeeWaiting.objects.bulk_create(
            [CoffeeWaiting(round=coffee_round, member_id=int(m)) for m in result.priority]  # type: ignore[call-overload]
        )
        coffee_round.status = CoffeeRound.Status.DONE
        coffee_round.seconds = round(time.perf_counter() - started, 3)
        coffee_round.finished_at = now + timedelta(seconds=coffee_round.seconds)
        coffee_round.save(update_fields=["status", "finished_at", "seconds"])
        if send_emails:
            for pairing in CoffeePairing.objects.filter(round=coffee_round).select_related("departement"):
                notify_pairing(pairing=pairing)
    return coffee_round


def coffee_pools_due(*, now: datetime) -> list[Delegation | None]:
    """Pools with someone opted in and no round yet this month."""
    from .selectors import coffee_pools

    period = period_of(now)
    done = set(
        CoffeeRound.objects.filter(period=period, status=CoffeeRound.Status.DONE).values_list(
            "delegation_id", flat=True
        )
    )
    return [pool for pool in coffee_pools() if (pool.pk if pool else None) not in done]
