"""Table planner: who sits with whom, round after round.

API (plain data in and out, no Django)::

    plan = plan_tables(
        participants=["ana", "bob", ...],          # ids, any hashable
        affinity=matrix,                            # P×P, symmetric, finite, ≥ 0 (diagonal ignored)
        table_size=6, rounds=4,
        roles={"ana": {"pas d'avance"}, "bob": {"recruteur"}},
        quotas=[TableQuota("pas d'avance", minimum=1), TableQuota("recruteur", maximum=1)],
        fixed_seats={"hote": 1},                    # 1-based table for every round
        seed=0, time_budget=10.0,
    )
    plan.schedule            # rounds → tables → participants
    plan.itinerary_lines     # {"ana": "Tour 1 : table 4 · Tour 2 : table 1 · …"}
    plan_verify(plan).ok     # every claim recomputed from the schedule

Tables have s seats, the last ones s − 1 when P is not a multiple of s. Priorities, in
order: no pair twice (a hard constraint when feasible, else as few repeats as possible),
quotas, then total affinity. A known construction (affine plane, Latin square net, circle
method) gives a repeat-free start when one applies; otherwise, with affinity to optimise, the
rounds are built one after the other (greedy seating, then an iterated local search on that
round). A tabu search then swaps people between tables of a round, under a time budget.
Results are deterministic for a seed as long as the search stops on ``max_iterations``
rather than on the clock.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from pairs_engine.planning import bounds, designs
from pairs_engine.planning.repair_kernel import RepairState
from pairs_engine.planning.types import (
    FloatArray,
    Id,
    PlanCheck,
    PlanningError,
    QuotaViolation,
    RepeatedPair,
    TablePlan,
    TableQuota,
    TableRequest,
)

IntArray = NDArray[np.int64]
RESTARTS = 5  # starts of the tabu search on small instances (clock budget only)
RESTART_LIMIT = 60  # people: up to this size the budget is split between RESTARTS starts
SEQUENTIAL_SHARE = 0.9  # of the first start's budget, for the round-by-round search
REPAIR_SHARE = 0.5  # of what is left, at most, for the repair of repeats and quota breaches
KICK_SWAPS = 3  # random swaps per kick of the round search
KICK_TABLES = 5  # a kick moves a person to one of their KICK_TABLES best other tables
KICK_SLACK = 0.0  # a kicked seating this much worse (affinity scaled to max 1) is still kept

__all__ = ["plan_tables", "plan_verify", "table_request"]


# --------------------------------------------------------------------------- validation


def validate_affinity(affinity: object, people: int) -> FloatArray:
    """A clean copy of the affinity matrix, or a PlanningError in French."""
    try:
        matrix = np.array(affinity, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise PlanningError("La matrice d'affinité doit être numérique.") from error
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise PlanningError(f"La matrice d'affinité doit être carrée (reçu : forme {matrix.shape}).")
    if matrix.shape[0] != people:
        raise PlanningError(
            f"La matrice d'affinité a {matrix.shape[0]} lignes pour {people} participant·es : il en faut une par personne."
        )
    if not np.isfinite(matrix).all():
        raise PlanningError("La matrice d'affinité contient des valeurs manquantes ou infinies (NaN).")
    if (matrix < 0).any():
        raise PlanningError(
            "La matrice d'affinité contient des valeurs négatives : les affinités doivent être ≥ 0."
        )
    scale = max(1.0, float(np.abs(matrix).max(initial=0.0)))
    if not np.allclose(matrix, matrix.T, atol=1e-9 * scale, rtol=0.0):
        raise PlanningError(
            "La matrice d'affinité doit être symétrique : l'affinité de A pour B vaut celle de B pour A."
        )
    matrix = (matrix + matrix.T) / 2.0
    np.fill_diagonal(matrix, 0.0)
    return matrix


def table_request(
    *,
    participants: Sequence[Id],
    affinity: object,
    table_size: int,
    rounds: int,
    roles: Mapping[Id, Collection[str]] | None = None,
    quotas: Sequence[TableQuota] = (),
    fixed_seats: Mapping[Id, int] | None = None,
) -> TableRequest:
    """Validate a planning problem; raises PlanningError (French) on bad input."""
    people = tuple(participants)
    if len(set(people)) != len(people):
        raise PlanningError("Une personne figure deux fois dans la liste des participant·es.")
    if table_size < 2:
        raise PlanningError("Une table doit compter au moins 2 places.")
    if rounds < 1:
        raise PlanningError("Il faut au moins un tour.")
    if len(people) < table_size:
        raise PlanningError(
            f"Il faut au moins {table_size} participant·es pour former une table de {table_size} (reçu : {len(people)})."
        )
    sizes = bounds.table_sizes(len(people), table_size)
    if sizes is None:
        raise PlanningError(
            f"{len(people)} personnes ne se répartissent pas en tables de {table_size} ou {table_size - 1} : "
            "choisissez une autre taille de table."
        )
    matrix = validate_affinity(affinity, len(people))
    known = set(people)
    role_map: dict[Id, frozenset[str]] = {}
    for person, person_roles in (roles or {}).items():
        if person not in known:
            raise PlanningError(f"Rôle donné à une personne absente de la liste : {person!r}.")
        role_map[person] = frozenset(person_roles)
    for quota in quotas:
        if quota.minimum < 0 or (quota.maximum is not None and quota.maximum < quota.minimum):
            raise PlanningError(
                f"Quota incohérent pour « {quota.role} » : minimum {quota.minimum}, maximum {quota.maximum}."
            )
    seats: dict[Id, int] = {}
    for person, table in (fixed_seats or {}).items():
        if person not in known:
            raise PlanningError(f"Place fixe donnée à une personne absente de la liste : {person!r}.")
        if not 1 <= table <= len(sizes):
            raise PlanningError(
                f"Table {table} inexistante : il y a {len(sizes)} tables (numérotées de 1 à {len(sizes)})."
            )
        seats[person] = table
    per_table = Counter(seats.values())
    for table, count in per_table.items():
        if count > sizes[table - 1]:
            raise PlanningError(
                f"{count} places fixes à la table {table}, qui n'a que {sizes[table - 1]} places."
            )
    return TableRequest(
        participants=people,
        affinity=matrix,
        table_size=table_size,
        rounds=rounds,
        roles=role_map,
        quotas=tuple(quotas),
        fixed_seats=seats,
        table_sizes=sizes,
    )


# --------------------------------------------------------------------------- claims


def _pair_counts(schedule: Sequence[Sequence[Sequence[Id]]]) -> Counter[tuple[Id, Id]]:
    counts: Counter[tuple[Id, Id]] = Counter()
    for tables in schedule:
        for table in tables:
            for a, b in combinations(table, 2):
                counts[(a, b) if _order(a, b) else (b, a)] += 1
    return counts


def _order(a: Hashable, b: Hashable) -> bool:
    try:
        return bool(a < b)  # type: ignore[operator]
    except TypeError:
        return repr(a) < repr(b)


def _quota_violations(
    request: TableRequest, schedule: Sequence[Sequence[Sequence[Id]]], first_round: int
) -> list[QuotaViolation]:
    violations = []
    for r, tables in enumerate(schedule):
        if r < first_round:
            continue
        for t, table in enumerate(tables):
            for quota in request.quotas:
                count = sum(1 for person in table if quota.role in request.roles.get(person, frozenset()))
                if count < quota.minimum or (quota.maximum is not None and count > quota.maximum):
                    violations.append(
                        QuotaViolation(r + 1, t + 1, quota.role, count, quota.minimum, quota.maximum)
                    )
    return violations


def _affinity(request: TableRequest, schedule: Sequence[Sequence[Sequence[Id]]], first_round: int) -> float:
    where = {person: i for i, person in enumerate(request.participants)}
    total = 0.0
    for tables in schedule[first_round:]:
        for table in tables:
            members = [where[p] for p in table if p in where]
            for a, b in combinations(members, 2):
                total += float(request.affinity[a, b])
    return total


def itineraries(
    schedule: Sequence[Sequence[Sequence[Id]]], people: Sequence[Id]
) -> tuple[dict[Id, tuple[int | None, ...]], dict[Id, str]]:
    """Per person, the 1-based table of each round (None when absent) and the French line."""
    seat: dict[Id, list[int | None]] = {}
    order = list(people) + [p for tables in schedule for table in tables for p in table]
    for person in order:
        seat.setdefault(person, [None] * len(schedule))
    for r, tables in enumerate(schedule):
        for t, table in enumerate(tables):
            for person in table:
                seat[person][r] = t + 1
    lines = {
        person: " · ".join(
            f"Tour {r + 1} : " + (f"table {t}" if t is not None else "absent·e") for r, t in enumerate(tables)
        )
        for person, tables in seat.items()
    }
    return {person: tuple(tables) for person, tables in seat.items()}, lines


def build_plan(
    request: TableRequest,
    schedule: Sequence[Sequence[Sequence[Id]]],
    *,
    method: str,
    played_rounds: int = 0,
    notes: Sequence[str] = (),
) -> TablePlan:
    """Compute every claim of a plan from its schedule (never from what the search believed)."""
    frozen = tuple(tuple(tuple(table) for table in tables) for tables in schedule)
    counts = _pair_counts(frozen)
    repeated = tuple(
        RepeatedPair(a, b, n) for (a, b), n in sorted(counts.items(), key=lambda kv: -kv[1]) if n > 1
    )
    people = len(request.participants)
    remaining = request.rounds - played_rounds
    sizes = request.table_sizes
    reason = None
    if played_rounds == 0:
        reason = bounds.zero_repeat_infeasibility(people, sizes, request.rounds)
    elif remaining * max(0, min(sizes) - 1) > people - 1:
        reason = bounds.zero_repeat_infeasibility(people, sizes, remaining)
    role_counts = Counter(role for roles in request.roles.values() for role in roles)
    quota_reasons = bounds.quota_infeasibility(sizes, request.quotas, dict(role_counts))
    itinerary, lines = itineraries(frozen, request.participants)
    all_notes = list(notes)
    if reason:
        all_notes.append("Zéro doublon impossible : " + reason)
    all_notes.extend("Quotas impossibles : " + q for q in quota_reasons)
    if request.rounds > bounds.rounds_bound(people, request.table_size):
        all_notes.append(
            f"{request.rounds} tours dépassent la borne (P − 1)/(s − 1) = {bounds.rounds_bound(people, request.table_size)}."
        )
    return TablePlan(
        request=request,
        schedule=frozen,
        repeats=sum(n - 1 for n in counts.values() if n > 1),
        repeated_pairs=repeated,
        quota_violations=tuple(_quota_violations(request, frozen, played_rounds)),
        affinity_total=_affinity(request, frozen, played_rounds),
        affinity_bound=bounds.star_bound(
            request.affinity, remaining, sizes, distinct=not any(n > 1 for n in counts.values())
        ),
        rounds_bound=bounds.rounds_bound(people, request.table_size),
        zero_repeats_proven_infeasible=reason is not None,
        infeasibility_reason=reason,
        quotas_proven_infeasible=bool(quota_reasons),
        method=method,
        played_rounds=played_rounds,
        notes=tuple(all_notes),
        itineraries=itinerary,
        itinerary_lines=lines,
    )


def plan_verify(plan: TablePlan) -> PlanCheck:
    """Recompute every claim of ``plan`` from its schedule; list each one that does not hold."""
    request = plan.request
    problems: list[str] = []
    schedule = plan.schedule
    if len(schedule) != request.rounds:
        problems.append(f"Le plan a {len(schedule)} tours au lieu de {request.rounds}.")
    expected = sorted(map(repr, request.participants))
    for r, tables in enumerate(schedule):
        if r < plan.played_rounds:
            continue
        seated = sorted(repr(p) for table in tables for p in table)
        if seated != expected:
            problems.append(f"Tour {r + 1} : chaque participant·e doit être placé·e exactement une fois.")
        if tuple(len(table) for table in tables) != request.table_sizes:
            problems.append(
                f"Tour {r + 1} : tailles de tables {[len(t) for t in tables]} au lieu de {list(request.table_sizes)}."
            )
        for person, table in request.fixed_seats.items():
            if len(tables) < table or person not in tables[table - 1]:
                problems.append(f"Tour {r + 1} : {person!r} devait être à la table {table}.")
    counts = _pair_counts(schedule)
    repeats = sum(n - 1 for n in counts.values() if n > 1)
    violations = tuple(_quota_violations(request, schedule, plan.played_rounds))
    affinity = _affinity(request, schedule, plan.played_rounds)
    if repeats != plan.repeats:
        problems.append(f"Le plan annonce {plan.repeats} doublon(s), il en compte {repeats}.")
    if violations != plan.quota_violations:
        problems.append(
            f"Le plan annonce {len(plan.quota_violations)} écart(s) aux quotas, il en compte {len(violations)}."
        )
    if not math.isclose(affinity, plan.affinity_total, rel_tol=1e-9, abs_tol=1e-9):
        problems.append(f"Le plan annonce une affinité de {plan.affinity_total}, elle vaut {affinity}.")
    remaining = request.rounds - plan.played_rounds
    bound = bounds.star_bound(request.affinity, remaining, request.table_sizes, distinct=repeats == 0)
    if not math.isclose(
        bound, plan.affinity_bound, rel_tol=1e-9, abs_tol=1e-9
    ) or affinity > bound + 1e-9 * max(1.0, bound):
        problems.append("La borne d'affinité annoncée est fausse ou dépassée.")
    if plan.rounds_bound != bounds.rounds_bound(len(request.participants), request.table_size):
        problems.append("La borne sur le nombre de tours annoncée est fausse.")
    if plan.zero_repeats_proven_infeasible and repeats == 0:
        problems.append("Le plan se dit sans solution sans doublon alors qu'il n'en a aucun.")
    if plan.repeat_free != (repeats == 0):
        problems.append("Le plan se dit sans doublon à tort.")
    return PlanCheck(
        repeats=repeats, quota_violations=violations, affinity_total=affinity, problems=tuple(problems)
    )


# --------------------------------------------------------------------------- search


@dataclass
class Problem:
    """The search's view of a request: indices instead of ids."""

    weights: FloatArray  # affinity scaled to max 1
    sizes: tuple[int, ...]
    rounds: int  # rounds to plan
    met: IntArray  # P×P times already met (played rounds)
    pinned: NDArray[np.int64]  # table index or -1
    tags: FloatArray  # P×K role indicators (roles that have quotas)
    qmin: FloatArray  # K
    qmax: FloatArray  # K (inf when unbounded)


def problem_for(request: TableRequest, rounds: int, met: IntArray | None = None) -> Problem:
    people = len(request.participants)
    scale = float(request.affinity.max(initial=0.0))
    weights = request.affinity / scale if scale > 0 else np.zeros_like(request.affinity)
    pinned = np.full(people, -1, dtype=np.int64)
    for i, person in enumerate(request.participants):
        if person in request.fixed_seats:
            pinned[i] = request.fixed_seats[person] - 1
    tags = np.zeros((people, len(request.quotas)))
    for k, quota in enumerate(request.quotas):
        for i, person in enumerate(request.participants):
            tags[i, k] = quota.role in request.roles.get(person, frozenset())
    return Problem(
        weights=weights,
        sizes=request.table_sizes,
        rounds=rounds,
        met=met if met is not None else np.zeros((people, people), dtype=np.int64),
        pinned=pinned,
        tags=tags,
        qmin=np.array([q.minimum for q in request.quotas], dtype=np.float64),
        qmax=np.array(
            [math.inf if q.maximum is None else q.maximum for q in request.quotas], dtype=np.float64
        ),
    )


def _penalty(counts: FloatArray, qmin: FloatArray, qmax: FloatArray) -> FloatArray:
    """Quota penalty of role counts (…×K) summed over roles."""
    if counts.shape[-1] == 0:
        return np.zeros(counts.shape[:-1])
    excess = np.where(np.isinf(qmax), 0.0, np.maximum(0.0, counts - np.where(np.isinf(qmax), 0.0, qmax)))
    return np.asarray((np.maximum(0.0, qmin - counts) + excess).sum(axis=-1), dtype=np.float64)


def _quota_delta(counts: FloatArray, t: IntArray, rows: IntArray, p: Problem) -> FloatArray:
    """Quota penalty change of swapping a ∈ rows with every b, as matrix products.

    With binary tags, table A gains role k when b has it and a has not, loses it in the
    opposite case; ``plus``/``minus`` hold each table's penalty change for one more / one less.
    """
    pen = _penalty(counts[:, None, :] * np.ones((1, 1, 1)), p.qmin, p.qmax)  # T×1
    plus = np.empty_like(counts)
    minus = np.empty_like(counts)
    for k in range(counts.shape[1]):
        bumped = counts.copy()
        bumped[:, k] += 1
        plus[:, k] = _penalty(bumped, p.qmin, p.qmax) - pen[:, 0]
        bumped[:, k] -= 2
        minus[:, k] = _penalty(bumped, p.qmin, p.qmax) - pen[:, 0]
    tags = p.tags
    ta = tags[rows]
    side_a = ((1.0 - ta) * plus[t[rows]]) @ tags.T + (ta * minus[t[rows]]) @ (1.0 - tags).T
    side_b = ta @ ((1.0 - tags) * plus[t]).T + (1.0 - ta) @ (tags * minus[t]).T
    return np.asarray(side_a + side_b, dtype=np.float64)


class TabuSearch:
    """Swap two people of one round between their tables; best non-tabu swap each step.

    The score is lexicographic in spirit — repeats, then quota penalty, then affinity —
    with weights large enough that no affinity gain pays for a repeat or a quota breach.
    """

    def __init__(self, problem: Problem, assign: IntArray, rng: np.random.Generator) -> None:
        self.p = problem
        self.rng = rng
        self.people = problem.weights.shape[0]
        self.tables = len(problem.sizes)
        self.assign = assign.copy()  # rounds × P → table index
        smax = max(problem.sizes)
        self.w_aff = 1.0
        self.w_quota = 4.0 * smax + 1.0
        self.w_rep = self.w_quota * (4.0 * smax + 1.0)
        self.movable = problem.pinned < 0
        self.tabu = np.zeros(assign.shape, dtype=np.int64)
        self.iteration = 0
        self._recount()
        self.best_assign = self.assign.copy()
        self.best_key = self.key()

    # -- bookkeeping
    def _onehot(self, r: int) -> FloatArray:
        x = np.zeros((self.people, self.tables))
        x[np.arange(self.people), self.assign[r]] = 1.0
        return x

    def _recount(self) -> None:
        met = self.p.met.copy()
        for r in range(self.assign.shape[0]):
            x = self._onehot(r)
            met += (x @ x.T).astype(np.int64)
        np.fill_diagonal(met, 0)
        self.met = met
        self.repeats = int(np.maximum(0, np.triu(met, 1) - 1).sum())
        self.quota_pen = 0.0
        self.aff = 0.0
        for r in range(self.assign.shape[0]):
            x = self._onehot(r)
            self.quota_pen += float(_penalty(x.T @ self.p.tags, self.p.qmin, self.p.qmax).sum())
            self.aff += float(((x @ x.T) * self.p.weights).sum() / 2.0)

    def key(self) -> tuple[int, float, float]:
        return (self.repeats, round(self.quota_pen, 9), -self.aff)

    def score(self) -> float:
        return self.w_rep * self.repeats + self.w_quota * self.quota_pen - self.w_aff * self.aff

    # -- one burst of moves in round r
    def burst(self, r: int, steps: int, sample: int, *, worsen: bool = True) -> bool:
        """Up to ``steps`` moves in round r; without ``worsen``, stop at a local optimum. True if it moved."""
        p = self.p
        n = self.people
        x = self._onehot(r)
        same = x @ x.T
        np.fill_diagonal(same, 0.0)
        known = ((self.met - same) >= 1).astype(np.float64)
        np.fill_diagonal(known, 0.0)
        g = p.weights @ x
        c = known @ x
        counts = x.T @ p.tags
        moved = False
        for _ in range(steps):
            self.iteration += 1
            t = self.assign[r]
            rows = self._candidates(r, t, c, counts, sample)
            if rows.size == 0:
                return moved
            ga = g[np.arange(n), t]
            ca = c[np.arange(n), t]
            g_bt = g[rows][:, t]  # [a, b] = g[a, t_b]
            c_bt = c[rows][:, t]
            d_aff = g_bt - ga[rows, None] + g[:, t[rows]].T - ga[None, :] - 2.0 * p.weights[rows]
            d_rep = c_bt - ca[rows, None] + c[:, t[rows]].T - ca[None, :] - 2.0 * known[rows]
            delta = self.w_rep * d_rep - self.w_aff * d_aff
            d_quota = np.zeros_like(delta)
            if p.tags.shape[1]:
                d_quota = _quota_delta(counts, t, rows, p)
                delta += self.w_quota * d_quota
            forbidden = (
                (t[rows][:, None] == t[None, :]) | ~self.movable[rows][:, None] | ~self.movable[None, :]
            )
            tabu = (self.tabu[r, rows][:, None] > self.iteration) | (self.tabu[r][None, :] > self.iteration)
            current = self.score()
            best_score = (
                self.w_rep * self.best_key[0]
                + self.w_quota * self.best_key[1]
                + self.w_aff * self.best_key[2]
            )
            aspiration = current + delta < best_score - 1e-9
            allowed = ~forbidden & (~tabu | aspiration)
            if not allowed.any():
                return moved
            noisy = np.where(allowed, delta + self.rng.random(delta.shape) * 1e-7, np.inf)
            flat = int(np.argmin(noisy))
            i, b = divmod(flat, n)
            if not worsen and delta[i, b] >= -1e-9:
                return moved
            moved = True
            a = int(rows[i])
            ta, tb = int(t[a]), int(t[b])
            # apply the swap
            members_a = np.flatnonzero((t == ta) & (np.arange(n) != a))
            members_b = np.flatnonzero((t == tb) & (np.arange(n) != b))
            self.met[a, members_a] -= 1
            self.met[members_a, a] -= 1
            self.met[b, members_b] -= 1
            self.met[members_b, b] -= 1
            self.met[a, members_b] += 1
            self.met[members_b, a] += 1
            self.met[b, members_a] += 1
            self.met[members_a, b] += 1
            self.repeats += round(float(d_rep[i, b]))
            self.quota_pen += float(d_quota[i, b])
            self.aff += float(d_aff[i, b])
            self.assign[r, a], self.assign[r, b] = tb, ta
            g[:, ta] += p.weights[:, b] - p.weights[:, a]
            g[:, tb] += p.weights[:, a] - p.weights[:, b]
            c[:, ta] += known[:, b] - known[:, a]
            c[:, tb] += known[:, a] - known[:, b]
            counts[ta] += p.tags[b] - p.tags[a]
            counts[tb] += p.tags[a] - p.tags[b]
            tenure = 2 + int(self.rng.integers(0, max(3, n // 8)))
            self.tabu[r, a] = self.iteration + tenure
            self.tabu[r, b] = self.iteration + tenure
            key = self.key()
            if key < self.best_key:
                self.best_key = key
                self.best_assign = self.assign.copy()
        return moved

    def _candidates(self, r: int, t: IntArray, c: FloatArray, counts: FloatArray, sample: int) -> IntArray:
        n = self.people
        movable = np.flatnonzero(self.movable)
        if movable.size == 0:
            return movable
        conflicted = movable[c[movable, t[movable]] > 0]
        if self.p.tags.shape[1]:
            bad_tables = np.flatnonzero(_penalty(counts, self.p.qmin, self.p.qmax) > 0)
            conflicted = np.union1d(conflicted, movable[np.isin(t[movable], bad_tables)])
        if conflicted.size >= sample or n <= sample:
            return conflicted if n > sample else movable
        extra = self.rng.choice(movable, size=min(sample, movable.size), replace=False)
        return np.union1d(conflicted, extra)[: max(sample, conflicted.size)]

    def perturb(self, swaps: int) -> None:
        """Random swaps from the best plan, to leave a basin the tabu list cannot."""
        self.assign = self.best_assign.copy()
        movable = np.flatnonzero(self.movable)
        for _ in range(swaps):
            r = int(self.rng.integers(0, self.assign.shape[0]))
            a, b = self.rng.choice(movable, size=2, replace=False)
            self.assign[r, a], self.assign[r, b] = self.assign[r, b], self.assign[r, a]
        self.tabu[:] = 0
        self._recount()

    def run(self, deadline: float, max_iterations: int | None, perfect_affinity: float | None) -> IntArray:
        rounds = self.assign.shape[0]
        if rounds == 0 or not self.movable.any() or self.tables < 2:
            return self.best_assign
        n = self.people
        sample = n if n <= 400 else 64
        steps = 20 if n <= 120 else 60
        last_best = self.best_key
        stall = 0
        idle = 0  # rounds visited in a row without an improving move
        patience = max(200, 4 * n)
        while True:
            if time.monotonic() > deadline:
                break
            if max_iterations is not None and self.iteration >= max_iterations:
                break
            if (
                self.best_key[0] == 0
                and self.best_key[1] == 0
                and perfect_affinity is not None
                and -self.best_key[2] >= perfect_affinity - 1e-9
            ):
                break
            # Rounds with repeats first: that is where the hard constraint is broken.
            if self.repeats > 0:
                weights = np.array([self._round_conflicts(r) for r in range(rounds)], dtype=np.float64) + 0.1
                r = int(self.rng.choice(rounds, p=weights / weights.sum()))
            else:
                r = int(self.rng.integers(0, rounds))
            # Descend in each round first; take worsening (tabu) moves only at a local optimum of all rounds.
            if self.burst(r, steps, sample, worsen=idle >= 2 * rounds):
                idle = 0 if idle < 2 * rounds else idle
            else:
                idle += 1
            if idle >= 2 * rounds:
                self.burst(r, max(3, steps // 4), sample, worsen=True)
                idle = 0
            if self.best_key < last_best:
                last_best = self.best_key
                stall = 0
            else:
                stall += steps
            if stall > patience:
                self.perturb(max(2, n // 10))
                stall = 0
            if self.iteration % 2000 < steps:
                self._recount()  # guard against floating drift
        return self.best_assign

    def _round_conflicts(self, r: int) -> int:
        t = self.assign[r]
        same = t[:, None] == t[None, :]
        return int(((self.met >= 2) & same).sum())


class RoundSearch:
    """Iterated local search on one round, the other rounds fixed (their pairs count as met).

    The score is affinity − w_rep·(pairs met before) − w_quota·(quota penalty), with the
    weights of ``TabuSearch``, and w' = w − w_rep·met. ``g[i, t]`` (stored as ``gt[t, i]``, so
    that a table's column is one contiguous row) is person i's score towards table t, so
    swapping a and b (tables A ≠ B) changes the score by
    ``g[a, B] − g[a, A] + g[b, A] − g[b, B] − 2·w'[a, b]``: one person's swaps with everyone
    are a few vector operations. The quota change is read from a per-table table indexed by
    the role classes entering and leaving it. A swap only changes the scores of swaps with an
    end at one of its two tables, so after a change only the members of changed tables need a
    look (the descent still ends at a true local optimum). A kick swaps a person with someone
    at one of their best other tables (``KICK_SWAPS`` times); the descent follows; a result
    worse than before the kick (by more than ``KICK_SLACK``) is undone swap by swap.
    """

    def __init__(self, problem: Problem, met: FloatArray, seat: IntArray, rng: np.random.Generator) -> None:
        n = problem.weights.shape[0]
        smax = max(problem.sizes)
        self.w_quota = 4.0 * smax + 1.0
        w_rep = self.w_quota * (4.0 * smax + 1.0)
        self.wc = problem.weights - w_rep * (met > 0)
        np.fill_diagonal(self.wc, 0.0)
        self.people = n
        self.tables = len(problem.sizes)
        self.seat = seat.copy()
        self.movable = problem.pinned < 0
        self.pinned = bool((~self.movable).any())
        self.rng = rng
        self.tags, self.qmin, self.qmax = problem.tags, problem.qmin, problem.qmax
        if self.tags.shape[1]:
            classes, inverse = np.unique(self.tags, axis=0, return_inverse=True)
            self.classes = np.asarray(classes, dtype=np.float64)
            self.cls = np.asarray(inverse, dtype=np.int64).reshape(-1)
            self.moves = self.classes[None, :, :] - self.classes[:, None, :]  # [out, in, role]
        else:
            self.classes = np.zeros((1, 0))
            self.cls = np.zeros(n, dtype=np.int64)
            self.moves = np.zeros((1, 1, 0))
        self._recount()

    def _recount(self) -> None:
        n = self.people
        x = np.zeros((n, self.tables))
        x[np.arange(n), self.seat] = 1.0
        self.gt = np.ascontiguousarray((self.wc @ x).T)  # [table, person]: one table's column is a row
        self.own = self.gt[self.seat, np.arange(n)]
        self.counts = x.T @ self.tags
        c = self.classes.shape[0]
        self.enter_leave = np.zeros((c, self.tables, c))  # [in, t, out]: quota penalty change
        self.slot = self.seat * c + self.cls  # index into enter_leave[in] seen as (table·class)
        for t in range(self.tables):
            self._quota_table(t)
        pen = float(_penalty(self.counts, self.qmin, self.qmax).sum())
        self.value = float(self.own.sum() / 2.0) - self.w_quota * pen

    def _quota_table(self, t: int) -> None:
        if not self.tags.shape[1]:
            return
        # qmax may be inf: counts − inf = −inf, clipped to 0, as wanted (no inf − inf here).
        trial = self.counts[t] + self.moves  # [out, in, role]
        pen = (np.maximum(0.0, self.qmin - trial) + np.maximum(0.0, trial - self.qmax)).sum(axis=2)
        now = float(
            (np.maximum(0.0, self.qmin - self.counts[t]) + np.maximum(0.0, self.counts[t] - self.qmax)).sum()
        )
        self.enter_leave[:, t, :] = (pen - now).T

    def row(self, a: int) -> FloatArray:
        """Score change of swapping a with every person (−inf where not allowed)."""
        seat = self.seat
        ta = int(seat[a])
        delta: FloatArray = self.gt[:, a].take(seat) - self.own[a] + self.gt[ta] - self.own - 2.0 * self.wc[a]
        if self.tags.shape[1]:
            ca = int(self.cls[a])
            quota = self.enter_leave[:, ta, ca].take(self.cls) + self.enter_leave[ca].ravel().take(self.slot)
            delta -= self.w_quota * quota
        delta[seat == ta] = -np.inf
        if self.pinned:
            delta[~self.movable] = -np.inf
        return delta

    def swap(self, a: int, b: int, delta: float) -> None:
        ta, tb = int(self.seat[a]), int(self.seat[b])
        moved = self.wc[b] - self.wc[a]  # symmetric weights: row = column
        self.gt[ta] += moved
        self.gt[tb] -= moved
        self.seat[a], self.seat[b] = tb, ta
        self.own = self.gt[self.seat, np.arange(self.people)]
        if self.tags.shape[1] and self.cls[a] != self.cls[b]:
            c = self.classes.shape[0]
            self.slot[a], self.slot[b] = tb * c + self.cls[a], ta * c + self.cls[b]
            self.counts[ta] += self.tags[b] - self.tags[a]
            self.counts[tb] += self.tags[a] - self.tags[b]
            self._quota_table(ta)
            self._quota_table(tb)
        elif self.tags.shape[1]:
            self.slot[a], self.slot[b] = self.slot[b], self.slot[a]
        self.value += delta

    def descend(self, people: Sequence[int], log: list[tuple[int, int, float]]) -> None:
        """Each person in turn takes their best swap if it improves; members of changed tables are looked at again.

        First improvement person by person ends on better seatings than the best swap among
        all the people to look at (measured on P = 300: 386–387 against 382–384 in 3 s).
        """
        pending = list(people)
        queued = set(pending)
        while pending:
            a = pending.pop()
            queued.discard(a)
            if not self.movable[a]:
                continue
            delta = self.row(a)
            b = int(np.argmax(delta))
            if delta[b] <= 1e-9:
                continue
            ta, tb = self.seat[a], self.seat[b]
            self.swap(a, b, float(delta[b]))
            log.append((a, b, float(delta[b])))
            for c in np.flatnonzero((self.seat == ta) | (self.seat == tb)).tolist():
                if c not in queued:
                    queued.add(c)
                    pending.append(c)

    def kick(self, swaps: int, log: list[tuple[int, int, float]]) -> None:
        movable = np.flatnonzero(self.movable)
        for _ in range(swaps):
            a = int(movable[int(self.rng.integers(0, movable.size))])
            towards = self.gt[:, a].copy()
            towards[self.seat[a]] = -np.inf
            near = np.argsort(-towards)[: min(KICK_TABLES, self.tables - 1)]
            target = int(near[int(self.rng.integers(0, near.size))])
            others = np.flatnonzero((self.seat == target) & self.movable)
            if others.size == 0:
                continue
            b = int(others[int(self.rng.integers(0, others.size))])
            delta = float(self.row(a)[b])
            if math.isfinite(delta):
                self.swap(a, b, delta)
                log.append((a, b, delta))

    def run(self, deadline: float, kicks: int | None) -> None:
        """Descend, then kick and descend until the deadline or ``kicks`` kicks; ends on the best seating.

        A kicked seating is kept when it is no worse than ``KICK_SLACK`` below the current one
        (a random walk among near-optimal seatings), else every swap of the kick is undone.
        """
        if self.tables < 2 or int(self.movable.sum()) < 2:
            return
        self.descend(np.flatnonzero(self.movable).tolist(), [])
        best, best_seat = self.value, self.seat.copy()
        done = 0
        while time.monotonic() < deadline and (kicks is None or done < kicks):
            done += 1
            current = self.value
            log: list[tuple[int, int, float]] = []
            self.kick(KICK_SWAPS, log)
            touched = {int(self.seat[a]) for a, _, _ in log} | {int(self.seat[b]) for _, b, _ in log}
            self.descend(np.flatnonzero(np.isin(self.seat, list(touched))).tolist(), log)
            if self.value < current - KICK_SLACK - 1e-9:
                for a, b, delta in reversed(log):
                    self.swap(a, b, -delta)
            elif self.value > best + 1e-9:
                best, best_seat = self.value, self.seat.copy()
            if done % 500 == 0:
                self._recount()  # guard against floating drift
        if not np.array_equal(self.seat, best_seat):
            self.seat = best_seat
        self._recount()


def _initial(problem: Problem, rng: np.random.Generator) -> IntArray:
    """Each round: pinned people at their table, role holders spread round-robin, then the rest."""
    n = problem.weights.shape[0]
    assign = np.zeros((problem.rounds, n), dtype=np.int64)
    for r in range(problem.rounds):
        free = list(problem.sizes)
        seat = np.full(n, -1, dtype=np.int64)
        for i in np.flatnonzero(problem.pinned >= 0):
            seat[i] = problem.pinned[i]
            free[int(problem.pinned[i])] -= 1
        order = rng.permutation(np.flatnonzero(problem.pinned < 0))
        has_role = (
            problem.tags[order].sum(axis=1) > 0 if problem.tags.shape[1] else np.zeros(order.size, bool)
        )
        order = np.concatenate([order[has_role], order[~has_role]])
        table = int(rng.integers(0, len(free)))
        for i in order:
            while free[table] == 0:
                table = (table + 1) % len(free)
            seat[i] = table
            free[table] -= 1
            table = (table + 1) % len(free)
        assign[r] = seat
    return assign


def _greedy_round(problem: Problem, met: FloatArray, rng: np.random.Generator) -> IntArray:
    """One round: seat the (person, table) pair that gains most, avoiding people already met.

    Gain = affinity to the table's current members, minus a large cost per person already
    met (``met`` > 0), plus a bonus for a role the table still lacks, minus a cost for a role
    at its maximum.
    """
    n = problem.weights.shape[0]
    tables = len(problem.sizes)
    capacity = np.array(problem.sizes, dtype=np.float64)
    big = 1e3 * (1.0 + float(problem.weights.max(initial=0.0)) * max(problem.sizes))
    seat = np.full(n, -1, dtype=np.int64)
    x = np.zeros((n, tables))
    for i in np.flatnonzero(problem.pinned >= 0):
        seat[i] = problem.pinned[i]
        x[i, problem.pinned[i]] = 1.0
    gain = problem.weights @ x
    conflict = met @ x
    filled = x.sum(axis=0)
    counts = x.T @ problem.tags
    jitter = rng.random((n, tables)) * 1e-6
    while (seat < 0).any():
        bonus = np.zeros((problem.tags.shape[1], tables))
        if problem.tags.shape[1]:
            lacking = counts < problem.qmin[None, :]
            full = counts >= problem.qmax[None, :]
            bonus = (big * lacking - big * full).T
        score = gain - big * conflict + problem.tags @ bonus + jitter
        score[seat >= 0, :] = -np.inf
        score[:, filled >= capacity] = -np.inf
        person, t = divmod(int(np.argmax(score)), tables)
        seat[person] = t
        gain[:, t] += problem.weights[:, person]
        conflict[:, t] += met[:, person]
        filled[t] += 1
        counts[t] += problem.tags[person]
    return seat


def _same_table(seat: IntArray) -> FloatArray:
    same: FloatArray = (seat[:, None] == seat[None, :]).astype(np.float64)
    np.fill_diagonal(same, 0.0)
    return same


def _greedy(problem: Problem, rng: np.random.Generator) -> IntArray:
    """Round by round, the greedy seating of ``_greedy_round`` (people met in earlier rounds avoided)."""
    met = (problem.met > 0).astype(np.float64)
    assign = np.zeros((problem.rounds, problem.weights.shape[0]), dtype=np.int64)
    for r in range(problem.rounds):
        assign[r] = _greedy_round(problem, met, rng)
        met = np.maximum(met, _same_table(assign[r]))
    return assign


def _sequential(
    problem: Problem, rng: np.random.Generator, deadline: float, max_iterations: int | None
) -> IntArray:
    """Round after round: the greedy seating, then an iterated local search on that round alone.

    Each round gets an equal share of what is left of the budget (and at most
    ``max_iterations // (4·rounds)`` kicks, a kick and its descent costing a few tabu steps);
    pairs met in earlier rounds (played ones included) count as repeats.
    """
    n = problem.weights.shape[0]
    met = (problem.met > 0).astype(np.float64)
    assign = np.zeros((problem.rounds, n), dtype=np.int64)
    kicks = None if max_iterations is None else max(1, max_iterations // (4 * max(1, problem.rounds)))
    for r in range(problem.rounds):
        seat = _greedy_round(problem, met, rng)
        until = time.monotonic() + max(0.0, deadline - time.monotonic()) / (problem.rounds - r)
        local = RoundSearch(problem, met, seat, rng)
        local.run(until, kicks)
        assign[r] = local.seat
        met = np.maximum(met, _same_table(assign[r]))
    return assign


def _from_construction(
    problem: Problem, people: int, rng: np.random.Generator, deadline: float, max_iterations: int | None
) -> tuple[IntArray, str] | None:
    if (problem.pinned >= 0).any() or problem.met.any():
        return None
    built = designs.construct(people, problem.sizes, problem.rounds)
    seat_groups = False  # points n·c … n·c + n − 1 sit at n different tables in every round
    closeness = problem.rounds * (problem.sizes[0] - 1) / max(1, people - 1)
    feasible = bounds.zero_repeat_infeasibility(people, problem.sizes, problem.rounds) is None
    if built is None and closeness >= 0.5 and feasible and len(set(problem.sizes)) == 1:
        # Near the round bound the local searches start keeping repeats (60-6-7 from about
        # half of the partners on): one person per seat group, rounds from a difference
        # array — instant for a prime-power group count, a short search otherwise.
        until = time.monotonic() + 0.1 * max(0.0, deadline - time.monotonic())
        stream = random.Random(int(rng.integers(1 << 30)))  # noqa: S311 - a search, not cryptography
        built = designs.transversal_rounds(people, problem.sizes[0], problem.rounds, stream, until)
        seat_groups = built is not None
    tight = closeness >= 0.6
    if built is None and tight and feasible:
        # Hard feasibility cases: the symmetric searches may use part of the budget, in
        # slices — a resolved difference family on two copies of Z_{P/2} (8-4-10), the
        # cyclic tabu search on one to three base rounds (quick for 5-3-7), the layered
        # annealing (rounds in orbits of several lengths, e.g. 6-3-8), the cyclic search
        # again with a longer slice.
        seed = int(rng.integers(1 << 30))
        stream = random.Random(seed)  # noqa: S311 - a search, not cryptography
        size, rounds = problem.sizes[0], problem.rounds
        for kind, share in (("two-orbit", 0.1), ("cyclic", 0.15), ("layered", 0.3), ("cyclic", 0.6)):
            until = time.monotonic() + share * max(0.0, deadline - time.monotonic())
            if kind == "two-orbit":
                built = designs.two_orbit_search(people, size, rounds, stream, until)
            elif kind == "layered":
                moves = None if max_iterations is None else 500 * max_iterations
                built = designs.layered_cyclic_search(people, size, rounds, stream, until, moves)
            else:
                built = designs.cyclic_search(people, size, rounds, stream, until, max_iterations)
            if built is not None:
                break
    if built is None:
        return None
    schedule, name = built
    point_of = rng.permutation(people)  # person i sits on point point_of[i]
    if seat_groups and problem.tags.shape[1]:
        # People of one role on consecutive points fill whole seat groups: a group has one
        # seat at every table and never meets itself, so a role that fills a group has
        # someone at every table, and people of one group are never two at a table.
        order = np.lexsort((point_of, *(-problem.tags[:, k] for k in reversed(range(problem.tags.shape[1])))))
        point_of = np.empty(people, dtype=np.int64)
        point_of[order] = np.arange(people)
    assign = np.zeros((problem.rounds, people), dtype=np.int64)
    for r, tables in enumerate(schedule):
        table_of_point = np.empty(people, dtype=np.int64)
        for t, members in enumerate(tables):
            table_of_point[members] = t
        assign[r] = table_of_point[point_of]
    return assign, name


def _relabel(problem: Problem, assign: IntArray, deadline: float) -> IntArray:
    """Exchange two people's seats in every round at once: repeat-freeness is kept, affinity rises."""
    n = problem.weights.shape[0]
    assign = assign.copy()
    for _ in range(50 * n):
        if time.monotonic() > deadline:
            break
        delta = np.zeros((n, n))
        for r in range(assign.shape[0]):
            t = assign[r]
            x = np.zeros((n, len(problem.sizes)))
            x[np.arange(n), t] = 1.0
            g = problem.weights @ x
            ga = g[np.arange(n), t]
            d = g[:, t] - ga[:, None] + g[:, t].T - ga[None, :] - 2.0 * problem.weights
            if problem.tags.shape[1]:
                counts = x.T @ problem.tags
                pen_now = _penalty(counts, problem.qmin, problem.qmax)
                base = counts[t] - problem.tags
                new_a = _penalty(base[:, None, :] + problem.tags[None, :, :], problem.qmin, problem.qmax)
                d_q = new_a + new_a.T - pen_now[t][:, None] - pen_now[t][None, :]
                d = d - (4.0 * max(problem.sizes) + 1.0) * d_q
            d[t[:, None] == t[None, :]] = 0.0
            delta += d
        np.fill_diagonal(delta, 0.0)
        flat = int(np.argmax(delta))
        a, b = divmod(flat, n)
        if delta[a, b] <= 1e-12:
            break
        assign[:, [a, b]] = assign[:, [b, a]]
    return assign


def search(
    problem: Problem,
    *,
    seed: int,
    time_budget: float,
    max_iterations: int | None,
    start: IntArray | None = None,
) -> tuple[IntArray, str]:
    rng = np.random.default_rng(seed)
    deadline = time.monotonic() + time_budget
    people = problem.weights.shape[0]
    perfect = None if problem.weights.any() else 0.0
    # Small instances: the tabu search's result depends much on where it starts (on P = 12,
    # s = 3, R = 3, seeds end 3 % apart), so the clock budget is split between a few starts —
    # the construction or greedy plan, then random layouts — and the best plan is kept.
    starts = 1
    if max_iterations is None and start is None and perfect is None and people <= RESTART_LIMIT:
        starts = RESTARTS
    method = ""  # how the start was made; the search steps are appended below
    assign = start
    if assign is None:
        built = _from_construction(problem, people, rng, deadline, max_iterations)
        if built is not None:
            assign, name = built
            method = f"{name}, puis réaffectation des personnes"
            assign = _relabel(problem, assign, deadline)
        elif perfect is None:
            # Affinity to optimise: the round-by-round search takes most of the first start's
            # slice (on P = 300, s = 6, R = 8 the tabu search adds nothing after it).
            until = time.monotonic() + SEQUENTIAL_SHARE * max(0.0, deadline - time.monotonic()) / starts
            assign = _sequential(problem, rng, until, max_iterations)
            method = "construction tour par tour (glouton puis recherche locale itérée)"
        else:
            assign = _greedy(problem, rng)
            method = "construction gloutonne"
    # Repeats or quota breaches left: the compiled conflict repair gets up to half of what
    # is left (it stops as soon as none is left); the tabu search then works on affinity.
    until = time.monotonic() + REPAIR_SHARE * max(0.0, deadline - time.monotonic())
    repaired = _repair(problem, assign, int(rng.integers(1 << 30)), until, max_iterations)
    if repaired is not None:
        assign = repaired
        method += (", puis " if method else "") + "réparation des doublons et des quotas"
    best, best_key = assign, None
    for k in range(starts):
        if k:
            assign = _initial(problem, rng)
        until = time.monotonic() + max(0.0, deadline - time.monotonic()) / (starts - k)
        tabu = TabuSearch(problem, assign, rng)
        found = tabu.run(until, max_iterations, perfect)
        if best_key is None or tabu.best_key < best_key:
            best, best_key = found, tabu.best_key
    method += (", puis " if method else "") + "recherche tabou"
    if starts > 1:
        method += f" ({starts} départs)"
    return best, method


def repair_state(problem: Problem, assign: IntArray, seed: int) -> RepairState:
    """The compiled repair's arrays for ``assign`` (rounds × people → table) on ``problem``."""
    return RepairState(
        assign,
        problem.sizes,
        problem.met,
        problem.tags,
        problem.qmin,
        problem.qmax,
        problem.weights,
        problem.pinned < 0,
        seed,
    )


def _repair(
    problem: Problem, assign: IntArray, seed: int, deadline: float, max_iterations: int | None
) -> IntArray | None:
    """A plan with fewer repeats (then fewer quota breaches) than ``assign``, or None.

    Runs ``repair_kernel`` in slices of steps so that the clock is read often; with
    ``max_iterations`` the number of steps is bounded instead (reproducible tests).
    """
    state = repair_state(problem, assign, seed)
    before = state.best_cost
    if before == 0:
        return None
    steps = None if max_iterations is None else 20 * max_iterations
    chunk = 16  # steps per call; the state carries over, so chunks never change the result
    while state.best_cost > 0:
        if steps is not None:
            if steps <= 0:
                break
            state.run(min(steps, chunk))
            steps -= chunk
            continue
        now = time.monotonic()
        if now >= deadline:
            break
        state.run(chunk)
        # A step costs rounds × conflicted people × P × s: keep each call near 50 ms, so that
        # the clock is read often enough on large rooms and rarely on small ones.
        took = time.monotonic() - now
        chunk = min(4096, chunk * 2) if took < 0.025 else max(1, chunk // 2) if took > 0.1 else chunk
    return state.best_assign if state.best_cost < before else None


def schedule_of(request: TableRequest, assign: IntArray) -> list[list[list[Id]]]:
    people = request.participants
    tables = len(request.table_sizes)
    return [
        [[people[i] for i in np.flatnonzero(assign[r] == t)] for t in range(tables)]
        for r in range(assign.shape[0])
    ]


def plan_tables(
    *,
    participants: Sequence[Id],
    affinity: object,
    table_size: int,
    rounds: int,
    roles: Mapping[Id, Collection[str]] | None = None,
    quotas: Sequence[TableQuota] = (),
    fixed_seats: Mapping[Id, int] | None = None,
    seed: int = 0,
    time_budget: float = 10.0,
    max_iterations: int | None = None,
) -> TablePlan:
    """Plan ``rounds`` rounds of tables of ``table_size``; see the module docstring.

    Raises PlanningError (French) for bad input. Soft problems — more rounds than the
    bound, quotas that cannot all hold — still give the best plan found, with the claim
    (``zero_repeats_proven_infeasible``, ``quotas_proven_infeasible``, ``notes``) set.
    """
    request = table_request(
        participants=participants,
        affinity=affinity,
        table_size=table_size,
        rounds=rounds,
        roles=roles,
        quotas=quotas,
        fixed_seats=fixed_seats,
    )
    problem = problem_for(request, rounds)
    assign, method = search(problem, seed=seed, time_budget=time_budget, max_iterations=max_iterations)
    return build_plan(request, schedule_of(request, assign), method=method)
