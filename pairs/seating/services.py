"""Room plans for a rencontre: translate registrations to the planner and store its verifiable answer.

Roles come from the profiles: « un pas d'avance » is a member in the
integration phase (they have made the move the others prepare); recruiters
are spread out; situations are mixed. Affinities are the matching engine's
reciprocal scores between the people in the room.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from pairs.accounts.models import User
from pairs.meetings.models import Attendance, Registration, RegistrationStatus, Rencontre
from pairs.members.models import Member, Phase, Situation
from pairs.recommendations.affinity import affinity_matrix
from pairs_engine import planning as planner

from .models import SeatingPlan

STEP_AHEAD = "un pas d'avance"
RECRUITER = "recruteur·rice"
SITUATION_ROLE = "situation : {}"
PLANNING_SECONDS = 8.0
REPLANNING_SECONDS = 1.5


@dataclass(frozen=True)
class SeatingOptions:
    table_size: int
    rounds: int
    step_ahead_at_each_table: bool = True
    recruiters_spread: bool = True
    situations_mixed: bool = False


def _roles(members: Sequence[Member]) -> dict[int, frozenset[str]]:
    roles: dict[int, frozenset[str]] = {}
    for member in members:
        mine = {SITUATION_ROLE.format(Situation(member.situation).label)}
        if member.phase == Phase.INTEGRATION:
            mine.add(STEP_AHEAD)
        if member.situation == Situation.RECRUITER:
            mine.add(RECRUITER)
        roles[member.pk] = frozenset(mine)
    return roles


def _quotas(options: SeatingOptions, roles: dict[int, frozenset[str]]) -> list[planner.TableQuota]:
    quotas = []
    if options.step_ahead_at_each_table:
        quotas.append(planner.TableQuota(role=STEP_AHEAD, minimum=1))
    if options.recruiters_spread:
        quotas.append(planner.TableQuota(role=RECRUITER, maximum=1))
    if options.situations_mixed:
        # No situation fills more than 60 % of a table.
        cap = max(1, math.ceil(options.table_size * 0.6))
        for role in sorted({r for rs in roles.values() for r in rs if r.startswith("situation")}):
            quotas.append(planner.TableQuota(role=role, maximum=cap))
    return quotas


def _in_the_room(rencontre: Rencontre, *, at_check_in: bool) -> list[Member]:
    registrations = Registration.objects.filter(rencontre=rencontre, status=RegistrationStatus.REGISTERED)
    if at_check_in:
        registrations = registrations.exclude(attendance=Attendance.ABSENT)
    return [r.member for r in registrations.select_related("member").order_by("position")]


def _store(
    *,
    rencontre: Rencontre,
    plan: planner.TablePlan,
    actor: User | None,
    seconds: float,
    options: SeatingOptions,
) -> SeatingPlan:
    with transaction.atomic():
        Rencontre.objects.select_for_update().get(pk=rencontre.pk)  # one version number at a time
        latest = SeatingPlan.objects.filter(rencontre=rencontre).aggregate(v=Max("version"))["v"] or 0
        SeatingPlan.objects.filter(rencontre=rencontre, is_current=True).update(is_current=False)
        return SeatingPlan.objects.create(
            rencontre=rencontre,
            version=latest + 1,
            created_by=actor,
            table_size=plan.request.table_size,
            rounds=plan.request.rounds,
            quotas=[
                {"role": q.role, "minimum": q.minimum, "maximum": q.maximum} for q in plan.request.quotas
            ],
            participants=list(plan.request.participants),
            schedule=[[list(table) for table in tables] for tables in plan.schedule],
            roles={str(k): sorted(v) for k, v in plan.request.roles.items()},
            played_rounds=plan.played_rounds,
            repeats=plan.repeats,
            repeated_pairs=[[p.first, p.second, p.times] for p in plan.repeated_pairs],
            quota_violations=[v.describe() for v in plan.quota_violations],
            affinity_total=float(plan.affinity_total),
            affinity_bound=float(plan.affinity_bound),
            rounds_bound=plan.rounds_bound,
            zero_repeats_proven_infeasible=plan.zero_repeats_proven_infeasible,
            infeasibility_reason=plan.infeasibility_reason or "",
            quotas_proven_infeasible=plan.quotas_proven_infeasible,
            method=plan.method[:200],
            notes=list(plan.notes),
            seconds=round(seconds, 3),
        )


def seating_plan_create(
    *, rencontre: Rencontre, options: SeatingOptions, actor: User | None, seed: int = 0
) -> SeatingPlan:
    """Plan every round for the people registered (and not marked absent)."""
    members = _in_the_room(rencontre, at_check_in=True)
    ids = [m.pk for m in members]
    roles = _roles(members)
    started = time.perf_counter()
    try:
        plan = planner.plan_tables(
            participants=ids,
            affinity=affinity_matrix(member_ids=ids),
            table_size=options.table_size,
            rounds=options.rounds,
            roles=roles,
            quotas=_quotas(options, roles),
            seed=seed,
            time_budget=PLANNING_SECONDS,
        )
    except planner.PlanningError as error:
        raise ValidationError(str(error)) from None
    return _store(
        rencontre=rencontre, plan=plan, actor=actor, seconds=time.perf_counter() - started, options=options
    )


def _engine_plan(stored: SeatingPlan, members: Sequence[Member]) -> planner.TablePlan:
    """The stored plan as the engine's type, for a re-plan (claims as stored, from the engine)."""
    participants = [int(p) for p in stored.participants]
    roles = {int(k): frozenset(v) for k, v in stored.roles.items()}
    quotas = [planner.TableQuota(q["role"], q["minimum"], q["maximum"]) for q in stored.quotas]
    request = planner.table_request(
        participants=participants,
        affinity=affinity_matrix(member_ids=participants),
        table_size=stored.table_size,
        rounds=stored.rounds,
        roles=roles,
        quotas=quotas,
    )
    return planner.TablePlan(
        request=request,
        schedule=tuple(tuple(tuple(int(p) for p in table) for table in tables) for tables in stored.schedule),
        repeats=stored.repeats,
        repeated_pairs=(),
        quota_violations=(),
        affinity_total=stored.affinity_total,
        affinity_bound=stored.affinity_bound,
        rounds_bound=stored.rounds_bound,
        zero_repeats_proven_infeasible=stored.zero_repeats_proven_infeasible,
        infeasibility_reason=stored.infeasibility_reason or None,
        quotas_proven_infeasible=stored.quotas_proven_infeasible,
        method=stored.method,
        played_rounds=stored.played_rounds,
    )


def seating_replan(
    *, plan: SeatingPlan, played_rounds: int, actor: User | None, seed: int = 0
) -> SeatingPlan:
    """At check-in: drop the absent, seat the walk-ins, re-plan the rounds not played yet."""
    if not plan.played_rounds <= played_rounds <= plan.rounds:
        raise ValidationError(f"Tours déjà joués : entre {plan.played_rounds} et {plan.rounds}.")
    members = _in_the_room(plan.rencontre, at_check_in=True)
    ids = [m.pk for m in members]
    roles = _roles(members)
    options = SeatingOptions(table_size=plan.table_size, rounds=plan.rounds)
    quotas = [planner.TableQuota(q["role"], q["minimum"], q["maximum"]) for q in plan.quotas]
    started = time.perf_counter()
    try:
        new = planner.replan(
            _engine_plan(plan, members),
            played_rounds=played_rounds,
            participants=ids,
            affinity=affinity_matrix(member_ids=ids),
            roles=roles,
            quotas=quotas,
            seed=seed,
            time_budget=REPLANNING_SECONDS,
        )
    except planner.PlanningError as error:
        raise ValidationError(str(error)) from None
    return _store(
        rencontre=plan.rencontre,
        plan=new,
        actor=actor,
        seconds=time.perf_counter() - started,
        options=options,
    )
