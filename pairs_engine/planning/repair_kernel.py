"""Compiled conflict repair for table plans: repeats and quota breaches first (numba).

A min-conflicts tabu search in the manner of Dotú and Van Hentenryck's social golfer
search ("Scheduling social golfers locally", CPAIOR 2005): each step takes the best swap
of two people of one round between their tables, where at least one of them is *in
conflict* (at a table with someone they meet more than once, or at a table that breaks a
quota). The cost is repeats + quota penalty, both whole numbers; among equal costs the
swap that gains most affinity wins, then the first one found. Swapping back is tabu for a
random number of steps; a swap that beats the best plan so far is always allowed. When the
best plan has not improved for a while, the search goes back to it and makes a few random
swaps (a perturbation).

The state lives in arrays that the Python side keeps between calls, so the wrapper can
check the clock every few thousand steps (numba code cannot read it).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pairs_engine.planning.types import FloatArray

IntArray = NDArray[np.int64]

__all__ = ["RepairState", "repair_steps"]


@njit(cache=True)
def _rand(state):  # type: ignore[no-untyped-def]
    # xorshift64*: deterministic for a seed, independent of numpy's generators.
    x = state[0]
    x ^= x >> 12
    x ^= x << 25
    x ^= x >> 27
    state[0] = x
    return (x * 2685821657736338717) >> 33 & 0x7FFFFFFF


@njit(cache=True)
def _penalty(count, low, high):  # type: ignore[no-untyped-def]
    return max(0, low - count) + max(0, count - high)


@njit(cache=True)
def _swap_delta(r, a, b, assign, plan):  # type: ignore[no-untyped-def]
    """(cost change, affinity change) of swapping a and b (different tables of round r).

    ``plan`` = (members, sizes, meet, tags, counts, qmin, qmax, weights, repeat_weight).
    """
    members, sizes, meet, tags, counts, qmin, qmax, weights, repeat_weight = plan
    ta = assign[r, a]
    tb = assign[r, b]
    repeats = 0
    conflict = 0
    gain = 0.0
    # The two tables are written out rather than through a helper taking slices: the
    # helper version ran about 40 % fewer steps a second (60-6-7: 19,000 against 33,000).
    for i in range(sizes[ta]):
        x = members[r, ta, i]
        if x != a:
            repeats += (meet[b, x] >= 1) - (meet[a, x] >= 2)
            gain += weights[b, x] - weights[a, x]
    for i in range(sizes[tb]):
        y = members[r, tb, i]
        if y != b:
            repeats += (meet[a, y] >= 1) - (meet[b, y] >= 2)
            gain += weights[a, y] - weights[b, y]
    for k in range(tags.shape[1]):
        d = tags[b, k] - tags[a, k]  # table ta gains d of role k, table tb loses it
        if d != 0:
            ca = counts[r, ta, k]
            cb = counts[r, tb, k]
            conflict += _penalty(ca + d, qmin[k], qmax[k]) - _penalty(ca, qmin[k], qmax[k])
            conflict += _penalty(cb - d, qmin[k], qmax[k]) - _penalty(cb, qmin[k], qmax[k])
    return repeat_weight * repeats + conflict, gain


@njit(cache=True)
def _apply(r, a, b, assign, members, where, sizes, meet, tags, counts):  # type: ignore[no-untyped-def]
    ta = assign[r, a]
    tb = assign[r, b]
    for i in range(sizes[ta]):
        x = members[r, ta, i]
        if x != a:
            meet[a, x] -= 1
            meet[x, a] -= 1
            meet[b, x] += 1
            meet[x, b] += 1
    for i in range(sizes[tb]):
        y = members[r, tb, i]
        if y != b:
            meet[b, y] -= 1
            meet[y, b] -= 1
            meet[a, y] += 1
            meet[y, a] += 1
    for k in range(tags.shape[1]):
        d = tags[b, k] - tags[a, k]
        counts[r, ta, k] += d
        counts[r, tb, k] -= d
    ia = where[r, a]
    ib = where[r, b]
    members[r, ta, ia] = b
    members[r, tb, ib] = a
    where[r, a] = ib
    where[r, b] = ia
    assign[r, a] = tb
    assign[r, b] = ta


@njit(cache=True)
def _conflicted(r, assign, members, sizes, meet, counts, qmin, qmax, out):  # type: ignore[no-untyped-def]
    """Mark in ``out`` the people of round r in conflict; return how many."""
    out[:] = False
    found = 0
    for t in range(sizes.shape[0]):
        bad_table = False
        for k in range(counts.shape[2]):
            if _penalty(counts[r, t, k], qmin[k], qmax[k]) > 0:
                bad_table = True
        for i in range(sizes[t]):
            a = members[r, t, i]
            hit = bad_table
            if not hit:
                for j in range(sizes[t]):
                    x = members[r, t, j]
                    if x != a and meet[a, x] >= 2:
                        hit = True
                        break
            if hit:
                out[a] = True
                found += 1
    return found


@njit(cache=True)
def repair_steps(  # type: ignore[no-untyped-def]
    steps,
    assign,
    members,
    where,
    sizes,
    meet,
    tags,
    counts,
    qmin,
    qmax,
    weights,
    movable,
    repeat_weight,
    tabu,
    scalars,
    best_assign,
    rng,
):
    """Run up to ``steps`` moves. ``scalars`` = [iteration, cost, best cost, last improvement].

    cost = repeat_weight × repeats + quota penalty: a repeat always weighs more than any
    quota change one swap can make, as in the planner's key (repeats, quotas, affinity).

    Returns the current cost; the best plan so far is kept in ``best_assign``.
    """
    rounds, people = assign.shape
    conflicted = np.zeros(people, dtype=np.bool_)
    plan = (members, sizes, meet, tags, counts, qmin, qmax, weights, repeat_weight)
    for _ in range(steps):
        if scalars[2] == 0:
            break
        it = scalars[0]
        scalars[0] = it + 1
        best_delta = 1 << 30
        best_gain = -np.inf
        mr = -1
        ma = -1
        mb = -1
        for r in range(rounds):
            if _conflicted(r, assign, members, sizes, meet, counts, qmin, qmax, conflicted) == 0:
                continue
            for a in range(people):
                if not conflicted[a] or not movable[a]:
                    continue
                ta = assign[r, a]
                for b in range(people):
                    tb = assign[r, b]
                    if tb == ta or not movable[b] or (conflicted[b] and b < a):
                        continue  # (a pair of two conflicted people is looked at once)
                    delta, gain = _swap_delta(r, a, b, assign, plan)
                    allowed = tabu[r, a, tb] <= it and tabu[r, b, ta] <= it
                    if not allowed and scalars[1] + delta >= scalars[2]:
                        continue
                    if delta < best_delta or (delta == best_delta and gain > best_gain):
                        best_delta = delta
                        best_gain = gain
                        mr = r
                        ma = a
                        mb = b
        if mr < 0:
            break  # nothing movable
        ta = assign[mr, ma]
        tb = assign[mr, mb]
        _apply(mr, ma, mb, assign, members, where, sizes, meet, tags, counts)
        # Random tenures, longer while many conflicts are left (they need more room).
        spread = 10 + scalars[1] // (2 * repeat_weight)
        tabu[mr, ma, ta] = it + 4 + _rand(rng) % spread
        tabu[mr, mb, tb] = it + 4 + _rand(rng) % spread
        scalars[1] += best_delta
        if scalars[1] < scalars[2]:
            scalars[2] = scalars[1]
            scalars[3] = it
            best_assign[:, :] = assign
        elif it - scalars[3] > 200 + 20 * people:
            # Stalled: a few random swaps of the current plan, then go on.
            for _k in range(3):
                r = _rand(rng) % rounds
                a = _rand(rng) % people
                b = _rand(rng) % people
                if assign[r, a] != assign[r, b] and movable[a] and movable[b]:
                    delta, gain = _swap_delta(r, a, b, assign, plan)
                    _apply(r, a, b, assign, members, where, sizes, meet, tags, counts)
                    scalars[1] += delta
            scalars[3] = it
    return scalars[1]


class RepairState:
    """Arrays of one repair run, built from a plan (rounds × people → table)."""

    def __init__(
        self,
        assign: IntArray,
        sizes: tuple[int, ...],
        met: IntArray,
        tags: FloatArray,
        qmin: FloatArray,
        qmax: FloatArray,
        weights: FloatArray,
        movable: np.ndarray,
        seed: int,
    ) -> None:
        rounds, people = assign.shape
        tables = len(sizes)
        self.assign = np.ascontiguousarray(assign, dtype=np.int64).copy()
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.members = np.full((rounds, tables, max(sizes)), -1, dtype=np.int64)
        self.where = np.zeros((rounds, people), dtype=np.int64)
        fill = np.zeros((rounds, tables), dtype=np.int64)
        for r in range(rounds):
            for p in range(people):
                t = self.assign[r, p]
                self.members[r, t, fill[r, t]] = p
                self.where[r, p] = fill[r, t]
                fill[r, t] += 1
        self.meet = np.ascontiguousarray(met, dtype=np.int64).copy()
        for r in range(rounds):
            same = self.assign[r][:, None] == self.assign[r][None, :]
            self.meet += same
        np.fill_diagonal(self.meet, 0)
        self.tags = np.ascontiguousarray(tags > 0.5, dtype=np.int64)
        self.counts = np.zeros((rounds, tables, self.tags.shape[1]), dtype=np.int64)
        for r in range(rounds):
            np.add.at(self.counts[r], self.assign[r], self.tags)
        big = people + 1  # "no maximum": no count can reach it
        self.qmin = np.asarray(qmin, dtype=np.int64)
        self.qmax = np.asarray(np.where(np.isinf(qmax), big, qmax), dtype=np.int64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.movable = np.ascontiguousarray(movable, dtype=np.bool_)
        self.tabu = np.zeros((rounds, people, tables), dtype=np.int64)
        # One swap changes each role's count at two tables by one: at most 4 per role.
        self.repeat_weight: int = 4 * int(self.tags.shape[1]) + 1
        self.repeats = int(np.maximum(0, np.triu(self.meet, 1) - 1).sum())
        qpen = np.maximum(0, self.qmin - self.counts) + np.maximum(0, self.counts - self.qmax)
        cost = self.repeat_weight * self.repeats + int(qpen.sum())
        self.scalars = np.array([0, cost, cost, 0], dtype=np.int64)
        self.best_assign = self.assign.copy()
        self.rng = np.array([(seed * 2654435761 + 1) % (1 << 62) or 1], dtype=np.int64)

    @property
    def best_cost(self) -> int:
        return int(self.scalars[2])

    def run(self, steps: int) -> None:
        repair_steps(
            steps,
            self.assign,
            self.members,
            self.where,
            self.sizes,
            self.meet,
            self.tags,
            self.counts,
            self.qmin,
            self.qmax,
            self.weights,
            self.movable,
            self.repeat_weight,
            self.tabu,
            self.scalars,
            self.best_assign,
            self.rng,
        )
