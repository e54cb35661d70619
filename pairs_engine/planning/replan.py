"""Live re-plan at check-in: no-shows leave, walk-ins arrive, played rounds stay as they were.

API::

    new_plan = replan(
        plan,                               # the TablePlan being played
        played_rounds=1,                    # rounds already played: kept unchanged
        participants=present_ids,           # who is here now (no-shows removed, walk-ins added)
        affinity=matrix,                    # P'×P' over ``participants``
        roles=..., quotas=..., fixed_seats=...,
        time_budget=1.5, seed=0,
    )

Pairs who met in a played round count as met: meeting again later is a repeat, and the
plan's ``repeats`` (computed over every round, played ones included) says so. Claims on
affinity and quotas concern the re-planned rounds only (``played_rounds + 1`` … R).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from pairs_engine.planning.tables import build_plan, problem_for, schedule_of, search, table_request
from pairs_engine.planning.types import Id, PlanningError, TablePlan, TableQuota

__all__ = ["replan"]


def replan(
    plan: TablePlan,
    *,
    played_rounds: int,
    participants: Sequence[Id],
    affinity: object,
    roles: Mapping[Id, Collection[str]] | None = None,
    quotas: Sequence[TableQuota] | None = None,
    fixed_seats: Mapping[Id, int] | None = None,
    seed: int = 0,
    time_budget: float = 1.5,
    max_iterations: int | None = None,
) -> TablePlan:
    """Re-plan rounds ``played_rounds + 1`` … R; see the module docstring."""
    total = plan.request.rounds
    if not 0 <= played_rounds <= total:
        raise PlanningError(f"Tours déjà joués : {played_rounds}, le plan n'en compte que {total}.")
    request = table_request(
        participants=participants,
        affinity=affinity,
        table_size=plan.request.table_size,
        rounds=total,
        roles=roles
        if roles is not None
        else {p: r for p, r in plan.request.roles.items() if p in set(participants)},
        quotas=quotas if quotas is not None else plan.request.quotas,
        fixed_seats=fixed_seats
        if fixed_seats is not None
        else {p: t for p, t in plan.request.fixed_seats.items() if p in set(participants)},
    )
    played = [list(map(list, tables)) for tables in plan.schedule[:played_rounds]]
    where = {person: i for i, person in enumerate(request.participants)}
    people = len(where)
    met = np.zeros((people, people), dtype=np.int64)
    for tables in played:
        for table in tables:
            here = [where[p] for p in table if p in where]
            for i in here:
                for j in here:
                    if i != j:
                        met[i, j] += 1
    remaining = total - played_rounds
    problem = problem_for(request, remaining, met)
    start = _start_from(plan, played_rounds, request.participants, problem.sizes, problem.pinned)
    assign, method = search(
        problem, seed=seed, time_budget=time_budget, max_iterations=max_iterations, start=start
    )
    if start is not None:
        method = f"reprise des tours prévus, puis {method}"
    schedule = played + schedule_of(request, assign)
    notes = []
    gone = {p for tables in played for table in tables for p in table} - set(where)
    if gone:
        notes.append(f"{len(gone)} absent·e(s) retiré·e(s) des tours restants.")
    new = [
        p for p in request.participants if p not in {q for t in plan.schedule for table in t for q in table}
    ]
    if new:
        notes.append(f"{len(new)} arrivée(s) sur place ajoutée(s) aux tours restants.")
    return build_plan(
        request, schedule, method=f"re-plan ({method})", played_rounds=played_rounds, notes=notes
    )


def _start_from(
    plan: TablePlan,
    played_rounds: int,
    participants: Sequence[Id],
    sizes: tuple[int, ...],
    pinned: NDArray[np.int64],
) -> NDArray[np.int64] | None:
    """The rounds still to play as planned, as a start: who is present keeps their table.

    A repeat-free plan stays so when people leave, so this start keeps what the first plan
    had earned; only the people moved to even out table sizes, and the walk-ins, are new.
    None when the table count changed (the search then starts afresh).
    """
    rounds = plan.schedule[played_rounds:]
    if not rounds or any(len(tables) != len(sizes) for tables in rounds):
        return None
    where = {person: i for i, person in enumerate(participants)}
    assign = np.full((len(rounds), len(participants)), -1, dtype=np.int64)
    for r, tables in enumerate(rounds):
        seat = assign[r]
        present = [[where[p] for p in table if p in where] for table in tables]
        if not (pinned >= 0).any():
            # Table numbers of a round to come are free: the tables that lost the most people
            # take the smaller sizes (sizes never increase with the number), so fewer move.
            present.sort(key=len, reverse=True)
        for t, here in enumerate(present):
            # Too many at this table for the new sizes: the last unpinned ones move.
            keep = [i for i in here if pinned[i] == t] + [i for i in here if pinned[i] != t]
            for i in keep[: sizes[t]]:
                seat[i] = t
        room = [sizes[t] - int((seat == t).sum()) for t in range(len(sizes))]
        for person in np.flatnonzero(seat < 0):  # walk-ins and the people moved
            fixed = int(pinned[person])
            choices = [fixed] if fixed >= 0 else [t for t in range(len(sizes)) if room[t] > 0]
            if not choices or room[choices[0]] <= 0:
                return None
            seat[person] = choices[0]
            room[choices[0]] -= 1
    return assign
