"""1:1 peer-coffee pairing: one round of pairs that maximises the total weight.

API::

    result = pair_round(
        members=["ana", "bob", ...],
        candidates={"ana": [("bob", 0.82), ("eve", 0.71), ...], ...},  # top-k partners, or a dense matrix
        past_pairs={("ana", "eve"), ...},                               # never paired again
        odd="trio",                                                     # or "priority"
        time_budget=10.0,
    )
    result.pairs, result.trios, result.priority     # who meets whom; who waits (first next round)
    result.total_weight, result.upper_bound, result.gap, result.exact

How (see docs/algorithms/planning.md):

0. Exact first: up to ``blossom_limit`` members (200,000), Edmonds' weighted blossom algorithm
   (:mod:`pairs_engine.planning.blossom`, primal–dual, all alternating trees grown together on
   one dual clock) runs with ``blossom_share`` (60 %) of the time left, warm-started from the LP
   of step 2 below ``relaxation_limit``, from a Jacobi dual above it. When it finishes and its
   final duals certify the matching (weight = dual objective, every edge re-checked), the result
   is exact. If it runs out of time, its matching and its certified dual bound seed steps 3–4.
1. The candidate lists become one sparse graph: an edge per candidate pair (the heavier
   weight if both sides list each other), without past pairs and without weights ≤ 0.
2. Upper bound: the bipartite relaxation — every member once as "left" and once as
   "right", each edge both ways, a zero-weight self edge for "unpaired" — solved exactly by
   scipy's sparse LAPJV (``min_weight_full_bipartite_matching``). Half its value is the
   value of the fractional matching LP, an upper bound on any matching. Above
   ``relaxation_limit`` members (it grows faster than linearly), a dual-feasible bound is used
   instead: y_v = half the best weight at v, then lowered by halves of the slack (Jacobi
   steps that stay feasible: y_u + y_v ≥ w_uv for every edge).
   Below the limit, the LP's optimal duals y are recovered (shortest-path potentials) and the
   bound is tightened around the odd cycles of the half-integral LP optimum: y is kept outside
   a region, and the region's exact matching (HiGHS integer program on a few thousand members)
   replaces its LP share; the region grows while the time share allows.
3. Matching: the relaxation's 2-cycles are pairs; its odd cycles are joined two by two by the
   cheapest alternating paths in reduced costs (multi-source Dijkstra), the rest cut into the
   best alternating pairs (dynamic programming on the cycle); the region's exact matching is
   taken when better; then greedy completion and improving moves (a free member takes over a
   partner, two pairs exchange partners, alternating paths).
4. Exact: when the matching reaches the bound it is proven optimal; otherwise, when the
   graph is small enough (``exact_limit`` edges), an integer program (HiGHS through
   ``scipy.optimize.milp``) on the connected components that are not yet proven solves it
   to optimality within the time budget. The result says ``exact`` only when proven, and
   always reports ``gap = upper_bound − total_weight ≥ 0``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]
from scipy.sparse.csgraph import (  # type: ignore[import-untyped]
    connected_components,
    dijkstra,
    min_weight_full_bipartite_matching,
)

from pairs_engine.planning.blossom import BlossomResult, max_weight_matching, start_from_half_integral
from pairs_engine.planning.types import Id, PlanningError

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

__all__ = ["Matching", "PairingResult", "match_arrays", "pair_round", "simulate_rounds"]


@dataclass(frozen=True)
class Matching:
    """Index-level result of :func:`match_arrays`: ``mate[v]`` is v's partner or −1."""

    mate: IntArray
    weight: float
    upper_bound: float
    exact: bool
    method: str

    @property
    def gap(self) -> float:
        return max(0.0, self.upper_bound - self.weight)


@dataclass(frozen=True)
class PairingResult:
    pairs: tuple[tuple[Id, Id], ...]
    trios: tuple[tuple[Id, Id, Id], ...]  # (newcomer, a, b): the pair (a, b) plus the odd member
    priority: tuple[Id, ...]  # unpaired this round: to be served first next round
    total_weight: float  # sum of pair weights (trio extra links not included)
    upper_bound: float  # ≥ the best possible sum of pair weights
    exact: bool  # True only when the pairs are proven optimal
    method: str
    reason: str | None = None  # why the result is empty, in French
    notes: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        return max(0.0, self.upper_bound - self.total_weight)

    @property
    def relative_gap(self) -> float:
        return self.gap / self.upper_bound if self.upper_bound > 0 else 0.0

    def met_pairs(self) -> set[frozenset[Id]]:
        """Every pair that meets this round (trio members meet each other)."""
        met = {frozenset(pair) for pair in self.pairs}
        for newcomer, a, b in self.trios:
            met |= {frozenset((newcomer, a)), frozenset((newcomer, b))}
        return met


# --------------------------------------------------------------------------- graph


def _clean_edges(n: int, u: IntArray, v: IntArray, w: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Undirected simple edges u < v with the heavier weight of duplicates, positive weights only."""
    keep = (u != v) & (w > 0)
    u, v, w = u[keep], v[keep], w[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    key = lo * n + hi
    order = np.argsort(key)
    key, w = key[order], w[order]
    first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]])) if key.size else order
    w = np.maximum.reduceat(w, first) if key.size else w  # the heavier weight of duplicates
    key = key[first]
    return (key // n).astype(np.int64), (key % n).astype(np.int64), w.astype(np.float64)


class _Graph:
    def __init__(self, n: int, u: IntArray, v: IntArray, w: FloatArray) -> None:
        self.n, self.u, self.v, self.w = n, u, v, w
        self.key = u * n + v  # sorted, by construction of _clean_edges
        ends = np.concatenate([u, v])
        order = np.argsort(ends, kind="stable")
        self.ends = ends[order]
        self.other = np.concatenate([v, u])[order]
        self.ew = np.concatenate([w, w])[order]
        self.start = np.searchsorted(self.ends, np.arange(n + 1))

    def weight(self, a: IntArray, b: IntArray) -> FloatArray:
        """Weights of edges (a, b); 0 where there is no edge."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        key = lo * self.n + hi
        if key.size > 50_000:  # sorted queries: binary searches that stay in cache
            order = np.argsort(key)
            pos = np.empty(key.shape, dtype=np.int64)
            pos[order] = np.searchsorted(self.key, key[order])
        else:
            pos = np.searchsorted(self.key, key)
        pos = np.minimum(pos, max(0, self.key.size - 1))
        found = (self.key.size > 0) & (self.key[pos] == key) if self.key.size else np.zeros(key.shape, bool)
        return np.where(found, self.w[pos] if self.key.size else 0.0, 0.0)


def _matching_weight(graph: _Graph, mate: IntArray) -> float:
    a = np.flatnonzero(mate > np.arange(graph.n))
    return float(graph.weight(a, mate[a]).sum())


# --------------------------------------------------------------------------- bounds


def _relaxation(graph: _Graph) -> tuple[float, IntArray]:
    """Exact bipartite relaxation: (half its value = LP bound, the permutation it chose)."""
    n = graph.n
    if graph.w.size == 0:
        return 0.0, np.arange(n, dtype=np.int64)
    big = float(graph.w.max()) + 1.0
    rows = np.concatenate([graph.u, graph.v, np.arange(n)])
    cols = np.concatenate([graph.v, graph.u, np.arange(n)])
    cost = np.concatenate([big - graph.w, big - graph.w, np.full(n, big)])
    matrix = sp.csr_matrix((cost, (rows, cols)), shape=(n, n))
    left, right = min_weight_full_bipartite_matching(matrix)
    perm = np.empty(n, dtype=np.int64)
    perm[left] = right
    value = float(graph.weight(np.arange(n), perm).sum())  # self edges weigh 0
    return value / 2.0, perm


def _dual_bound(
    graph: _Graph, mate: IntArray | None = None, iterations: int = 200, deadline: float = math.inf
) -> float:
    """A feasible dual of the matching LP (y ≥ 0, y_u + y_v ≥ w_uv): its sum bounds any matching.

    Two starts, the smaller bound wins: the star start (y_v = half the best weight at v) and,
    given a matching, the complementary-slackness start (y = half the pair's weight for paired
    members, 0 for free ones, then every uncovered edge covered by raising both ends by half of
    its shortfall). Each is then lowered by Jacobi steps that keep every edge covered.
    """
    n = graph.n
    if graph.w.size == 0:
        return 0.0
    star = np.zeros(n)
    np.maximum.at(star, graph.ends, graph.ew)
    starts = [star / 2.0]
    if mate is not None:
        y = np.zeros(n)
        paired = mate >= 0
        y[paired] = graph.weight(np.flatnonzero(paired), mate[paired]) / 2.0
        short = np.maximum(graph.ew - y[graph.ends] - y[graph.other], 0.0)
        raise_by = np.zeros(n)
        np.maximum.at(raise_by, graph.ends, short / 2.0)
        starts.insert(0, y + raise_by)  # usually the better start: it goes first under a deadline
    return min(_descend(graph, y0, iterations, deadline) for y0 in starts)


def _descend(graph: _Graph, y: FloatArray, iterations: int, deadline: float = math.inf) -> float:
    return float(_descend_duals(graph, y, iterations, deadline).sum())


def _descend_duals(graph: _Graph, y: FloatArray, iterations: int, deadline: float = math.inf) -> FloatArray:
    """Jacobi steps from a feasible dual ``y``: the lowered, still feasible dual."""
    n = graph.n
    has = np.diff(graph.start) > 0
    starts = graph.start[:-1][has]
    best = float(y.sum())
    for _ in range(iterations):
        if time.monotonic() > deadline:  # every step keeps y feasible: stopping early is safe
            break
        reduced = y[graph.ends] + y[graph.other] - graph.ew
        slack = np.full(n, np.inf)
        slack[has] = np.minimum.reduceat(reduced, starts)
        slack = np.minimum(slack, 2.0 * y)
        # Lowering both ends of an edge by half their own slack keeps the edge covered.
        y = y - slack / 2.0
        total = float(y.sum())
        if best - total <= 1e-12 * max(1.0, best):
            break
        best = total
    # Guard against rounding: cover any edge left short by a hair.
    short = np.maximum(graph.w - y[graph.u] - y[graph.v], 0.0)
    np.add.at(y, graph.u, short)
    return y


def _jacobi_start(graph: _Graph, deadline: float) -> tuple[FloatArray, IntArray]:
    """A warm start without the LP: the star dual lowered by Jacobi steps, and a greedy
    matching of the edges it makes tight (so every matched edge is tight)."""
    n = graph.n
    star = np.zeros(n)
    if graph.w.size:
        np.maximum.at(star, graph.ends, graph.ew / 2.0)
    y = _descend_duals(graph, star, 10, deadline)  # converges within a few steps
    scale = float(graph.w.max()) if graph.w.size else 1.0
    tight = y[graph.u] + y[graph.v] - graph.w <= 1e-12 * scale
    sub = _Graph(n, graph.u[tight], graph.v[tight], graph.w[tight])
    return y, _greedy_complete(sub, np.full(n, -1, dtype=np.int64))


# --------------------------------------------------------------------------- primal


def _cycles_to_matching(graph: _Graph, perm: IntArray) -> IntArray:
    n = graph.n
    mate = np.full(n, -1, dtype=np.int64)
    idx = np.arange(n)
    two = (perm[perm] == idx) & (perm != idx)
    mate[two] = perm[two]
    seen = two | (perm == idx)
    for start in np.flatnonzero(~seen):
        if seen[start]:
            continue
        cycle = [int(start)]
        seen[start] = True
        nxt = int(perm[start])
        while nxt != start:
            cycle.append(nxt)
            seen[nxt] = True
            nxt = int(perm[nxt])
        c = np.array(cycle, dtype=np.int64)
        weights = graph.weight(c, np.roll(c, -1))  # edge i joins c[i] and c[i+1]
        # Best set of non-adjacent edges on a cycle: try "edge 0 unused" and "edge last unused".
        best_pick: list[int] = []
        best_value = -1.0
        for skip in (0, len(c) - 1):
            order = [i for i in range(len(c)) if i != skip]
            take, leave = 0.0, 0.0
            take_set: list[int] = []
            leave_set: list[int] = []
            prev = -2
            for i in order:
                if i != prev + 1:  # the path restarts (only at the skipped edge)
                    leave, leave_set = max((take, take_set), (leave, leave_set), key=lambda t: t[0])
                    take, take_set = leave, leave_set
                new_take = leave + float(weights[i])
                new_leave, new_leave_set = max((take, take_set), (leave, leave_set), key=lambda t: t[0])
                take, take_set = new_take, [*leave_set, i]
                leave, leave_set = new_leave, new_leave_set
                prev = i
            value, chosen = max((take, take_set), (leave, leave_set), key=lambda t: t[0])
            if value > best_value:
                best_value, best_pick = value, chosen
        for i in best_pick:
            a, b = int(c[i]), int(c[(i + 1) % len(c)])
            mate[a], mate[b] = b, a
    return mate


def _greedy_complete(graph: _Graph, mate: IntArray) -> IntArray:
    """Add edges between free members, heaviest first (locally dominant edges, vectorised)."""
    mate = mate.copy()
    alive = (mate[graph.u] < 0) & (mate[graph.v] < 0)
    while alive.any():
        eu, ev, ew = graph.u[alive], graph.v[alive], graph.w[alive]
        ids = np.flatnonzero(alive)
        order = np.lexsort((ids, -ew))
        ends = np.concatenate([eu[order], ev[order]])
        edge = np.concatenate([ids[order], ids[order]])
        rank = np.concatenate([np.arange(order.size), np.arange(order.size)])
        by = np.lexsort((rank, ends))
        first = np.ones(by.size, dtype=bool)
        first[1:] = ends[by][1:] != ends[by][:-1]
        best_of = np.full(graph.n, -1, dtype=np.int64)
        best_of[ends[by][first]] = edge[by][first]
        chosen = ids[(best_of[graph.u[ids]] == ids) & (best_of[graph.v[ids]] == ids)]
        mate[graph.u[chosen]] = graph.v[chosen]
        mate[graph.v[chosen]] = graph.u[chosen]
        alive = (mate[graph.u] < 0) & (mate[graph.v] < 0)
    return mate


def _best_free_neighbour(graph: _Graph, free: NDArray[np.bool_], n: int) -> tuple[IntArray, FloatArray]:
    """For every member, its heaviest neighbour among the `free` ones (−1 / 0 when none)."""
    best_free = np.full(n, -1, dtype=np.int64)
    best_free_w = np.zeros(n)
    sel = free[graph.other]
    if sel.any():
        ends, other, ew = graph.ends[sel], graph.other[sel], graph.ew[sel]
        order = np.lexsort((-ew, ends))
        first = np.ones(order.size, dtype=bool)
        first[1:] = ends[order][1:] != ends[order][:-1]
        best_free[ends[order][first]] = other[order][first]
        best_free_w[ends[order][first]] = ew[order][first]
    return best_free, best_free_w


def _improve(graph: _Graph, mate: IntArray, deadline: float, rounds: int = 30) -> IntArray:
    """Improving moves, applied in non-overlapping batches until none pays.

    - exchange: pairs (a, b), (c, d) with edges a–c and b–d become (a, c), (b, d);
    - takeover: free u with edge u–a, a paired with b: (u, a) replaces (a, b), and b takes
      its best free neighbour if any.
    """
    mate = mate.copy()
    n = graph.n
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        changed = False
        # Weight of every member's current pair (one lookup per member, not per edge).
        paired = np.flatnonzero(mate >= 0)
        pair_w = np.zeros(n)
        pair_w[paired] = graph.weight(paired, mate[paired])
        # exchange
        x, y = graph.u, graph.v
        both = (mate[x] >= 0) & (mate[y] >= 0) & (mate[x] != y)
        x, y, w_xy = x[both], y[both], graph.w[both]
        mx, my = mate[x], mate[y]
        w_mxmy = graph.weight(mx, my)
        gain = w_xy + w_mxmy - pair_w[x] - pair_w[y]
        ok = (gain > 1e-12) & (w_mxmy > 0) & (mx != y)
        changed |= _apply(mate, x[ok], y[ok], mx[ok], my[ok], gain[ok], n, deadline)
        if time.monotonic() > deadline:
            break
        # takeover (pair weights again: the exchanges changed some pairs)
        paired = np.flatnonzero(mate >= 0)
        pair_w = np.zeros(n)
        pair_w[paired] = graph.weight(paired, mate[paired])
        free = mate < 0
        best_free, best_free_w = _best_free_neighbour(graph, free, n)
        a_side = graph.ends
        u_side = graph.other
        cand = free[u_side] & (mate[a_side] >= 0)
        if cand.any():
            a, u, w_ua = a_side[cand], u_side[cand], graph.ew[cand]
            b = mate[a]
            v = best_free[b]
            w_bv = np.where((v >= 0) & (v != u), best_free_w[b], 0.0)
            v = np.where((v >= 0) & (v != u), v, -1)
            gain = w_ua + w_bv - pair_w[a]
            ok = gain > 1e-12
            changed |= _apply_takeover(mate, u[ok], a[ok], b[ok], v[ok], gain[ok], n, deadline)
        if not changed:
            break
    return mate


def _apply(
    mate: IntArray,
    a: IntArray,
    c: IntArray,
    b: IntArray,
    d: IntArray,
    gain: FloatArray,
    n: int,
    deadline: float = math.inf,
) -> bool:
    """Pairs (a, b), (c, d) → (a, c), (b, d), best gains first, no member in two moves."""
    order = np.argsort(-gain, kind="stable")
    used = bytearray(n)
    m = mate.tolist()
    done = False
    rows = zip(a[order].tolist(), b[order].tolist(), c[order].tolist(), d[order].tolist(), strict=True)
    for k, (ai, bi, ci, di) in enumerate(rows):
        if k & 4095 == 4095 and time.monotonic() > deadline:
            break  # the moves applied so far are valid
        if used[ai] or used[bi] or used[ci] or used[di] or m[ai] != bi or m[ci] != di:
            continue
        used[ai] = used[bi] = used[ci] = used[di] = 1
        m[ai], m[ci] = ci, ai
        m[bi], m[di] = di, bi
        done = True
    mate[:] = m
    return done


def _apply_takeover(
    mate: IntArray,
    u: IntArray,
    a: IntArray,
    b: IntArray,
    v: IntArray,
    gain: FloatArray,
    n: int,
    deadline: float = math.inf,
) -> bool:
    order = np.argsort(-gain, kind="stable")
    used = bytearray(n)
    m = mate.tolist()
    done = False
    rows = zip(u[order].tolist(), a[order].tolist(), b[order].tolist(), v[order].tolist(), strict=True)
    for k, (ui, ai, bi, vi) in enumerate(rows):
        if k & 4095 == 4095 and time.monotonic() > deadline:
            break  # the moves applied so far are valid
        if used[ui] or used[ai] or used[bi] or (vi >= 0 and used[vi]):
            continue
        if m[ai] != bi or m[ui] >= 0 or (vi >= 0 and m[vi] >= 0):
            continue
        used[ui] = used[ai] = used[bi] = 1
        if vi >= 0:
            used[vi] = 1
        m[ui], m[ai] = ai, ui
        m[bi] = -1
        if vi >= 0:
            m[bi], m[vi] = vi, bi
        done = True
    mate[:] = m
    return done


def _augment(graph: _Graph, mate: IntArray, depth: int = 8, deadline: float = math.inf) -> bool:
    """Weighted alternating paths from free members, found level by level (vectorised).

    A path u – a1 = b1 – a2 = b2 … starts at a free u, takes new edges (u, a1), (b1, a2)…
    and drops the pairs (a1, b1)…; it ends with b_d left free or paired with a free v.
    Paths that revisit a member are skipped; the best disjoint ones are applied.
    """
    n = graph.n
    idx = np.arange(n)
    matched_w = np.zeros(n)
    has = mate >= 0
    matched_w[has] = graph.weight(idx[has], mate[has])
    free = ~has
    levels_g = [np.where(free, 0.0, -np.inf)]
    levels_x: list[IntArray] = [np.full(n, -1, dtype=np.int64)]
    levels_a: list[IntArray] = [np.full(n, -1, dtype=np.int64)]
    levels_o: list[IntArray] = [np.where(free, idx, -1)]  # the free member each path starts from
    x_all, a_all, w_all = graph.ends, graph.other, graph.ew
    level_time = 0.0
    for _ in range(depth):
        level_start = time.monotonic()
        if level_start + 2.0 * level_time > deadline:  # fewer levels: shorter paths only
            break
        g = levels_g[-1]
        # Only the edges of members that paths reach (CSR slices gathered at once).
        active = np.flatnonzero(np.isfinite(g))
        lengths = graph.start[active + 1] - graph.start[active]
        offsets = np.repeat(graph.start[active] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        edge_ids = offsets + np.arange(int(lengths.sum()))
        xs, as_, ws = x_all[edge_ids], a_all[edge_ids], w_all[edge_ids]
        ok = (mate[as_] >= 0) & (mate[as_] != xs)
        x, a, wx = xs[ok], as_[ok], ws[ok]
        b = mate[a]
        cand = g[x] + wx - matched_w[a]
        new_g = np.full(n, -np.inf)
        new_x = np.full(n, -1, dtype=np.int64)
        new_a = np.full(n, -1, dtype=np.int64)
        new_o = np.full(n, -1, dtype=np.int64)
        if cand.size:
            order = np.lexsort((-cand, b))
            first = np.ones(order.size, dtype=bool)
            first[1:] = b[order][1:] != b[order][:-1]
            pick = order[first]
            new_g[b[pick]] = cand[pick]
            new_x[b[pick]] = x[pick]
            new_a[b[pick]] = a[pick]
            new_o[b[pick]] = levels_o[-1][x[pick]]
        levels_o.append(new_o)
        levels_g.append(new_g)
        levels_x.append(new_x)
        levels_a.append(new_a)
        level_time = time.monotonic() - level_start
        if not np.isfinite(new_g).any():
            break
    if len(levels_g) < 2 or time.monotonic() > deadline:
        return False
    # Best free neighbour of every member, to close a path.
    best_free, best_free_w = _best_free_neighbour(graph, free, n)
    gains, depths, ends_all, origins = [], [], [], []
    for d in range(1, len(levels_g)):
        g = levels_g[d]
        ends_d = np.flatnonzero(np.isfinite(g))
        close = g[ends_d] + np.where(best_free[ends_d] >= 0, best_free_w[ends_d], 0.0)
        good = close > 1e-12
        gains.append(close[good])
        depths.append(np.full(int(good.sum()), d, dtype=np.int64))
        ends_all.append(ends_d[good])
        origins.append(levels_o[d][ends_d[good]])
    if not gains:
        return False
    gain_arr = np.concatenate(gains)
    depth_arr = np.concatenate(depths)
    end_arr = np.concatenate(ends_all)
    origin_arr = np.concatenate(origins)
    # Every candidate path, best first; on big graphs only a few per starting member (its best
    # ones: the best may revisit a member) so that the Python loop stays short.
    order = np.lexsort((-gain_arr, origin_arr))
    sorted_origin = origin_arr[order]
    group_start = np.flatnonzero(np.concatenate([[True], sorted_origin[1:] != sorted_origin[:-1]]))
    rank = np.arange(order.size) - np.repeat(group_start, np.diff(np.append(group_start, order.size)))
    keep = order[rank < 6] if order.size > 200_000 else order
    keep = keep[np.argsort(-gain_arr[keep], kind="stable")]
    options = list(
        zip(gain_arr[keep].tolist(), depth_arr[keep].tolist(), end_arr[keep].tolist(), strict=True)
    )
    used = np.zeros(n, dtype=bool)
    changed = False
    for k, (_, d, end) in enumerate(options):
        if k & 255 == 255 and time.monotonic() > deadline:
            break  # the paths applied so far are valid
        path_b = [end]
        path_a = []
        b = end
        for level in range(d, 0, -1):
            path_a.append(int(levels_a[level][b]))
            b = int(levels_x[level][b])
            path_b.append(b)
        members = path_b + path_a
        closing = int(best_free[end])
        if closing in members:
            closing = -1
        if closing >= 0:
            members.append(closing)
        if len(set(members)) != len(members) or used[members].any():
            continue
        # Still valid? each a_k must still be paired with b_k, the start still free.
        path_b.reverse()
        path_a.reverse()  # path_b[0] = u (free), path_a[k] pairs with path_b[k + 1]
        if mate[path_b[0]] >= 0 or any(mate[path_a[k]] != path_b[k + 1] for k in range(d)):
            continue
        if closing >= 0 and mate[closing] >= 0:
            closing = -1
        before = sum(float(matched_w[a]) for a in path_a)
        after = float(graph.weight(np.array(path_b[:-1]), np.array(path_a)).sum())
        if closing >= 0:
            after += float(graph.weight(np.array([end]), np.array([closing]))[0])
        if after <= before + 1e-12:
            continue
        used[members] = True
        for k in range(d):
            mate[path_b[k]], mate[path_a[k]] = path_a[k], path_b[k]
        mate[end] = -1
        if closing >= 0:
            mate[end], mate[closing] = closing, end
        changed = True
    return changed


# --------------------------------------------------------------------------- LP duals


def _lp_duals(graph: _Graph, perm: IntArray) -> FloatArray:
    """Optimal duals y of the fractional matching LP, from the relaxation's permutation.

    The bipartite relaxation's duals (a for "left", b for "right") are shortest-path
    potentials: with the assignment fixed, a_k ≤ a_i + (w_k,perm(k) − w_i,perm(k)) for every
    edge, solved by vectorised Bellman–Ford rounds from a virtual source; then
    y_v = (a_v + b_v) / 2 is feasible for the fractional LP (y ≥ 0, y_u + y_v ≥ w_uv) with
    the same value. Any float shortfall is covered at the end, so y is always feasible.
    """
    n = graph.n
    if graph.w.size == 0:
        return np.zeros(n)
    idx = np.arange(n)
    inverse = np.empty(n, dtype=np.int64)
    inverse[perm] = idx
    pair_w = graph.weight(idx, perm)
    rows = np.concatenate([graph.u, graph.v, idx])
    cols = np.concatenate([graph.v, graph.u, idx])
    weights = np.concatenate([graph.w, graph.w, np.zeros(n)])
    target = inverse[cols]
    keep = target != rows
    rows, target = rows[keep], target[keep]
    cost = pair_w[target] - weights[keep]
    order = np.argsort(target, kind="stable")
    rows, target, cost = rows[order], target[order], cost[order]
    starts = np.flatnonzero(np.concatenate([[True], target[1:] != target[:-1]]))
    heads = target[starts]
    alpha = np.zeros(n)
    for _ in range(4 * n + 10):
        best = np.minimum.reduceat(alpha[rows] + cost, starts)
        lower = best < alpha[heads] - 1e-12
        if not lower.any():
            break
        alpha[heads[lower]] = best[lower]
    beta = np.empty(n)
    beta[perm] = pair_w - alpha
    y = np.maximum((alpha + beta) / 2.0, 0.0)
    short = np.maximum(graph.w - y[graph.u] - y[graph.v], 0.0)
    np.add.at(y, graph.u, short)
    return y


def _odd_cycles(perm: IntArray) -> IntArray:
    """Cycle number of every member on an odd cycle (length ≥ 3) of ``perm``, −1 elsewhere."""
    n = perm.size
    idx = np.arange(n)
    label = np.full(n, -1, dtype=np.int64)
    on_cycle = (perm[perm] != idx) & (perm != idx)
    seen = np.zeros(n, dtype=bool)
    count = 0
    for start in np.flatnonzero(on_cycle).tolist():
        if seen[start]:
            continue
        cycle = [start]
        seen[start] = True
        x = int(perm[start])
        while x != start:
            cycle.append(x)
            seen[x] = True
            x = int(perm[x])
        if len(cycle) % 2:  # even cycles (ties in the relaxation) are not odd cycles
            label[cycle] = count
            count += 1
    return label


def _connect_odd_cycles(graph: _Graph, perm: IntArray, y: FloatArray, rounds: int = 4) -> IntArray:
    """Pairs from the half-integral LP: its 2-cycles, then odd cycles joined two by two.

    Every odd cycle must leave one member out; that member can be any of its members at no
    cost (the cycle edges are tight). Two odd cycles are joined by an alternating path: the
    exposed member of the first takes over a paired member, whose partner takes over another
    one, …, until a member of the second cycle. Its cost against the LP is the sum of the
    reduced costs y_u + y_v − w_uv of the new edges, so the cheapest paths come from one
    multi-source Dijkstra on those reduced costs. Joins are applied best first, when they beat
    leaving each cycle with its cheapest member out, and only if vertex-disjoint with a real
    gain. Cycles left over are cut by the dynamic programme of :func:`_cycles_to_matching`.
    """
    n = graph.n
    idx = np.arange(n)
    cycle = _odd_cycles(perm)
    count = int(cycle.max()) + 1 if (cycle >= 0).any() else 0
    two = (perm[perm] == idx) & (perm != idx)
    mate = np.where(two, perm, -1)
    if count == 0:
        return np.where(perm == idx, -1, _cycles_to_matching(graph, perm))
    members: list[list[int]] = [[] for _ in range(count)]
    for x in np.flatnonzero(cycle >= 0).tolist():
        members[cycle[x]].append(x)
    cheapest = np.full(count, np.inf)
    np.minimum.at(cheapest, cycle[cycle >= 0], y[cycle >= 0])
    done = np.zeros(count, dtype=bool)
    a_all = np.concatenate([graph.u, graph.v])
    b_all = np.concatenate([graph.v, graph.u])
    w_all = np.concatenate([graph.w, graph.w])
    rc_all = np.maximum(y[a_all] + y[b_all] - w_all, 0.0)
    limit = float(2.0 * y.max()) if y.size else 0.0
    for _ in range(rounds):
        source = (cycle >= 0) & ~done[np.maximum(cycle, 0)]
        if source.sum() < 2:
            break
        arc = (mate[b_all] >= 0) & ~source[b_all] & (mate[b_all] != a_all)
        arcs = sp.csr_matrix((rc_all[arc] + 1e-12, (a_all[arc], mate[b_all[arc]])), shape=(n, n))
        dist, pred, origin = dijkstra(
            arcs, indices=np.flatnonzero(source), min_only=True, return_predecessors=True, limit=limit
        )
        label = np.where(origin >= 0, cycle[np.maximum(origin, 0)], -1)
        ok = (
            np.isfinite(dist[a_all])
            & np.isfinite(dist[b_all])
            & (label[a_all] >= 0)
            & (label[b_all] >= 0)
            & (label[a_all] != label[b_all])
            & (a_all < b_all)
        )
        ca, cb = a_all[ok], b_all[ok]
        gain = cheapest[label[ca]] + cheapest[label[cb]] - (dist[ca] + dist[cb] + rc_all[ok])
        # The best join per pair of cycles, and each cycle's few best partners only.
        first_l = np.minimum(label[ca], label[cb])
        second_l = np.maximum(label[ca], label[cb])
        order = np.lexsort((-gain, second_l, first_l))
        key = first_l[order] * count + second_l[order]
        best = order[np.concatenate([[True], key[1:] != key[:-1]])] if order.size else order
        keep = np.zeros(best.size, dtype=bool)
        for side in (first_l, second_l):
            by = np.lexsort((-gain[best], side[best]))
            grp = side[best][by]
            head = np.concatenate([[True], grp[1:] != grp[:-1]]) if by.size else np.zeros(0, bool)
            start_of = np.maximum.accumulate(np.where(head, np.arange(by.size), 0))
            keep[by[np.arange(by.size) - start_of < 4]] = True
        best = best[keep]
        ca, cb, gain = ca[best], cb[best], gain[best]
        used = np.zeros(n, dtype=bool)
        applied = False
        for i in _join_order(gain, label[ca], label[cb], count):
            if gain[i] <= 1e-12:
                break
            a, b = int(ca[i]), int(cb[i])
            first, second = int(label[a]), int(label[b])
            if done[first] or done[second]:
                continue
            paths = [_chain(pred, a), _chain(pred, b)]
            involved = members[first] + members[second]
            for path in paths:
                for x in path[1:]:
                    involved += [x, int(mate[x])]
            if len(set(involved)) != len(involved) or used[involved].any():
                continue
            new_pairs: list[tuple[int, int]] = []
            for path in paths:
                start = path[0]
                x = int(perm[start])
                while x != start:  # the rest of the cycle pairs along its tight edges
                    nxt = int(perm[x])
                    new_pairs.append((x, nxt))
                    x = int(perm[nxt])
                for k in range(len(path) - 1):
                    new_pairs.append((path[k], int(mate[path[k + 1]])))
            new_pairs.append((a, b))
            old = [(x, int(mate[x])) for x in involved if mate[x] > x]
            new_arr = np.array(new_pairs, dtype=np.int64)
            before = float(graph.weight(*np.array(old, dtype=np.int64).reshape(-1, 2).T).sum())
            after = graph.weight(new_arr[:, 0], new_arr[:, 1])
            if (after <= 0).any() or float(after.sum()) <= before + 1e-12:
                continue
            mate[involved] = -1
            mate[new_arr[:, 0]] = new_arr[:, 1]
            mate[new_arr[:, 1]] = new_arr[:, 0]
            used[involved] = True
            done[first] = done[second] = True
            applied = True
        if not applied:
            break
    # Leftover cycles (and even cycles longer than 2): the best alternating pairs on each.
    left = ((cycle >= 0) & ~done[np.maximum(cycle, 0)]) | ((perm != idx) & (perm[perm] != idx) & (cycle < 0))
    rest = np.where(left, perm, idx)
    cut = _cycles_to_matching(graph, rest)
    mate[left] = cut[left]
    return mate


def _join_order(gain: FloatArray, first: IntArray, second: IntArray, count: int) -> list[int]:
    """Joins to try: those of the best set of cycle pairs (each cycle in one join at most, an
    integer program on the small cycle graph) first, then the others, best gain first."""
    order = np.argsort(-gain, kind="stable")
    good = np.flatnonzero(gain > 1e-12)
    if good.size == 0:
        return [int(k) for k in order]
    m = good.size
    matrix = sp.csc_matrix(
        (np.ones(2 * m), (np.concatenate([first[good], second[good]]), np.concatenate([np.arange(m)] * 2))),
        shape=(count, m),
    )
    result = milp(
        -gain[good],
        constraints=LinearConstraint(matrix, 0, 1),
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
        options={"time_limit": 1.0, "disp": False},
    )
    if result.x is None:
        return [int(k) for k in order]
    chosen = good[result.x > 0.5]
    chosen = chosen[np.argsort(-gain[chosen], kind="stable")]
    picked = np.zeros(gain.size, dtype=bool)
    picked[chosen] = True
    return [int(k) for k in chosen] + [int(k) for k in order[~picked[order]]]


def _chain(pred: IntArray, end: int) -> list[int]:
    path = [end]
    while pred[path[-1]] >= 0:
        path.append(int(pred[path[-1]]))
    return path[::-1]


def _local_bound(
    graph: _Graph, perm: IntArray, y: FloatArray, deadline: float, hops: int = 2, delta: float = 0.005
) -> tuple[float, IntArray, bool]:
    """A tighter upper bound than sum(y): exact matching on the regions around the odd cycles.

    Keep y outside a region R (the odd cycles, grown by ``hops`` layers of LP pairs reached by
    edges of reduced cost ≤ ``delta`` × the largest weight). Inside, a member u must still cover
    its edges to the outside: y_u ≥ L_u = max(0, max_v (w_uv − y_v)). Writing y_u = L_u + y'_u, the
    best y' is the dual of a maximum-weight matching on R with weights w_uv − L_u − L_v, whose
    optimum (Edmonds: no integrality gap once odd-set constraints are in) is found exactly by an
    integer program per connected piece. So any matching weighs at most
    sum_{outside} y + sum_R L + OPT(R, w − L − L), which is ≤ sum(y). A piece whose program does not
    finish in time keeps its LP share sum (y − L), so the bound stays valid.

    Returns (bound, matching, saturated): the matching is the LP pairs outside R plus the inner
    optima (a good start for the primal); ``saturated`` says R stopped growing before ``hops``.
    """
    n = graph.n
    idx = np.arange(n)
    total = float(y.sum())
    two = (perm[perm] == idx) & (perm != idx)
    mate = np.where(two, perm, -1)
    if graph.w.size == 0 or time.monotonic() > deadline:
        return total, mate, False
    region = ~two & ((perm != idx) | (y > 1e-12))
    if not region.any():
        return total, mate, False
    rc = y[graph.u] + y[graph.v] - graph.w
    near = rc <= delta * float(graph.w.max())
    saturated = False
    for _ in range(hops):
        grow = np.zeros(n, dtype=bool)
        out_u = region[graph.u] & ~region[graph.v] & near
        out_v = region[graph.v] & ~region[graph.u] & near
        grow[graph.v[out_u]] = True
        grow[graph.u[out_v]] = True
        grow[perm[grow]] = True  # whole LP pairs only
        if not (grow & ~region).any():
            saturated = True
            break
        region |= grow
    mate[region] = -1
    low = np.zeros(n)
    cross_u = region[graph.u] & ~region[graph.v]
    cross_v = region[graph.v] & ~region[graph.u]
    np.maximum.at(low, graph.u[cross_u], graph.w[cross_u] - y[graph.v[cross_u]])
    np.maximum.at(low, graph.v[cross_v], graph.w[cross_v] - y[graph.u[cross_v]])
    inside = region[graph.u] & region[graph.v]
    eu, ev = graph.u[inside], graph.v[inside]
    ew = graph.w[inside] - low[eu] - low[ev]
    positive = ew > 0
    eu, ev, ew = eu[positive], ev[positive], ew[positive]
    share = np.maximum(y - low, 0.0)  # feasible for the inner problem: its LP value per member
    bound = float(y[~region].sum() + low[region].sum())
    if ew.size == 0:
        return min(total, bound), mate, saturated
    _, label = connected_components(sp.coo_matrix((np.ones(ew.size), (eu, ev)), shape=(n, n)), directed=False)
    piece = label[eu]
    order = np.argsort(piece, kind="stable")
    eu, ev, ew, piece = eu[order], ev[order], ew[order], piece[order]
    bounds = np.flatnonzero(np.concatenate([[True], piece[1:] != piece[:-1], [True]]))
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        pu, pv, pw = eu[s:e], ev[s:e], ew[s:e]
        nodes = np.unique(np.concatenate([pu, pv]))
        lp_share = float(share[nodes].sum())
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            bound += lp_share
            continue
        m = pw.size
        where = np.searchsorted(nodes, np.concatenate([pu, pv]))
        matrix = sp.csc_matrix(
            (np.ones(2 * m), (where, np.concatenate([np.arange(m), np.arange(m)]))), shape=(nodes.size, m)
        )
        result = milp(
            -pw,
            constraints=LinearConstraint(matrix, 0, 1),
            integrality=np.ones(m),
            bounds=Bounds(0, 1),
            options={"time_limit": remaining, "disp": False, "mip_rel_gap": 0.0},
        )
        if result.x is not None:
            chosen = result.x > 0.5
            mate[pu[chosen]], mate[pv[chosen]] = pv[chosen], pu[chosen]
        dual = getattr(result, "mip_dual_bound", None)
        if dual is None or not np.isfinite(dual):
            bound += lp_share
            continue
        # HiGHS's proven dual bound (gap 0), with a relative safety margin for its rounding.
        bound += min(lp_share, -float(dual) + 1e-9 * max(1.0, abs(float(dual))))
    return min(total, bound), mate, saturated


# --------------------------------------------------------------------------- exact


def _milp_components(
    graph: _Graph, mate: IntArray, nodes: IntArray, deadline: float
) -> tuple[IntArray, bool]:
    """Solve max-weight matching exactly on the subgraph induced by ``nodes`` (whole components)."""
    inside = np.zeros(graph.n, dtype=bool)
    inside[nodes] = True
    sel = inside[graph.u] & inside[graph.v]
    eu, ev, ew = graph.u[sel], graph.v[sel], graph.w[sel]
    m = ew.size
    if m == 0:
        return mate, True
    remaining = deadline - time.monotonic()
    if remaining <= 0.05:
        return mate, False
    matrix = sp.csc_matrix(
        (np.ones(2 * m), (np.concatenate([eu, ev]), np.concatenate([np.arange(m), np.arange(m)]))),
        shape=(graph.n, m),
    )
    result = milp(
        -ew,
        constraints=LinearConstraint(matrix, 0, 1),
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
        options={"time_limit": remaining, "disp": False},
    )
    if result.x is None:
        return mate, False
    chosen = result.x > 0.5
    candidate = mate.copy()
    candidate[nodes] = -1
    candidate[eu[chosen]] = ev[chosen]
    candidate[ev[chosen]] = eu[chosen]
    old = _matching_weight(graph, mate)
    new = _matching_weight(graph, candidate)
    return (candidate if new >= old else mate), bool(result.status == 0)


def match_arrays(
    n: int,
    u: IntArray,
    v: IntArray,
    w: FloatArray,
    *,
    time_budget: float = 10.0,
    relaxation_limit: int = 40_000,
    exact_limit: int = 8_000,
    blossom_limit: int = 200_000,
    blossom_share: float = 0.6,
) -> Matching:
    """Maximum-weight matching on indices 0..n−1 with edges (u[i], v[i], w[i]); certified gap.

    Up to ``blossom_limit`` members, Edmonds' weighted blossom algorithm (:mod:`blossom`) runs
    with ``blossom_share`` of the time left — warm-started from the LP relaxation when it is
    computed (n ≤ ``relaxation_limit``), from scratch otherwise. When it finishes and its duals
    certify the matching (weight = dual objective), the result is exact. Otherwise its matching
    and its certified bound (feasible duals at the deadline) join the approximate path.
    """
    deadline = time.monotonic() + time_budget
    u, v, w = _clean_edges(
        n, np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64), np.asarray(w, dtype=np.float64)
    )
    graph = _Graph(n, u, v, w)
    perm: IntArray | None = None
    seeded: BlossomResult | None = None
    if n <= relaxation_limit:
        bound, perm = _relaxation(graph)
        y = _lp_duals(graph, perm)
        mate = _greedy_complete(graph, _connect_odd_cycles(graph, perm, y))
        if n <= blossom_limit and _matching_weight(graph, mate) < bound - 1e-9 * max(1.0, bound):
            # Edmonds' algorithm from the LP: its duals, its 2-cycles, its odd cycles matched
            # but for one member each; only those members' trees are searched.
            seeded = max_weight_matching(
                n,
                u,
                v,
                w,
                mate=start_from_half_integral(perm, y),
                y=y,
                deadline=_share(deadline, blossom_share, n),
            )
            certified = _certified(graph, seeded)
            if certified is not None:
                return certified
            bound = min(bound, seeded.bound)
            if seeded.weight > _matching_weight(graph, mate) and _is_matching(graph, seeded.mate):
                mate = seeded.mate.copy()
        method = "relaxation bipartie exacte (LAPJV creux) + chemins entre cycles impairs"
        # Tighter bound (and a better start): exact matching around the odd cycles, the rest of
        # the LP dual kept; the region doubles its depth while the time share allows.
        # (Skipped when an interrupted blossom search left too little time: HiGHS may overrun.)
        local_end = time.monotonic() + 0.6 * (deadline - time.monotonic())
        hops, delta, tightened = 2, 0.005, False
        enough = deadline - time.monotonic() > 0.35 * time_budget
        while enough and _matching_weight(graph, mate) < bound - 1e-9 * max(1.0, bound):
            started = time.monotonic()
            local, candidate, saturated = _local_bound(graph, perm, y, local_end, hops=hops, delta=delta)
            if local < bound:
                bound, tightened = local, True
            candidate = _greedy_complete(graph, candidate)
            if _matching_weight(graph, candidate) > _matching_weight(graph, mate):
                mate = candidate
            spent = time.monotonic() - started
            if (saturated and delta >= 1.0) or time.monotonic() + 2.5 * spent > local_end:
                break
            if saturated:  # no more members reachable by near-tight edges: allow looser ones
                delta *= 8.0
            else:
                hops *= 2
        if tightened:
            method += " ; borne resserrée autour des cycles impairs"
        if seeded is not None:
            method += " ; algorithme d'Edmonds interrompu (sa borne duale certifiée est prise si meilleure)"
    elif n <= blossom_limit:
        # No LP: Edmonds' algorithm from the Jacobi dual and its tight greedy matching. Its dual
        # objective only goes down, so even when interrupted its certified bound is at most the
        # Jacobi bound, and its matching (plus the local moves below) is the start.
        y, start = _jacobi_start(graph, deadline)
        seeded = max_weight_matching(
            n,
            u,
            v,
            w,
            mate=start,
            y=y,
            deadline=_share(deadline, blossom_share, n),
        )
        certified = _certified(graph, seeded)
        if certified is not None:
            return certified
        bound = min(seeded.bound, float(y.sum()))
        mate = seeded.mate.copy() if _is_matching(graph, seeded.mate) else np.full(n, -1, dtype=np.int64)
        method = "algorithme d'Edmonds interrompu (départ : duales de Jacobi ; borne duale certifiée) + améliorations locales"
    else:
        bound = math.inf  # computed below from the matching
        mate = np.full(n, -1, dtype=np.int64)
        method = "borne duale (descente de Jacobi)"
    mate = _greedy_complete(graph, mate)
    # Without a bound yet, the dual bound still has to run at the end: keep time for it.
    # (A pass at 100,000 members can run ≈ 0.5 s past its deadline checks: a margin that grows with n.)
    margin = min(0.15 * time_budget, 0.05 * time_budget + 8e-6 * n)
    work_end = deadline - (0.3 * time_budget if math.isinf(bound) else margin)
    last = 0.0
    for _ in range(20):
        started = time.monotonic()
        # Stop before a pass that would likely overrun the budget.
        if started > work_end or started + last > work_end:
            break
        mate = _improve(graph, mate, work_end)
        if time.monotonic() > work_end:  # augmenting stops at work_end by itself
            break
        if not _augment(graph, mate, depth=8 if n <= 50_000 else 4, deadline=work_end):
            break
        last = time.monotonic() - started
    mate = _greedy_complete(graph, mate)
    weight = _matching_weight(graph, mate)
    if seeded is not None and seeded.weight > weight and _is_matching(graph, seeded.mate):
        mate, weight = seeded.mate.copy(), _matching_weight(graph, seeded.mate)
    if math.isinf(bound):
        bound = _dual_bound(graph, mate, deadline=deadline - 0.03 * time_budget)
    tolerance = 1e-9 * max(1.0, bound)
    exact = weight >= bound - tolerance
    if not exact and w.size <= exact_limit:
        # Only the components where the bound is not met need the integer program.
        _, label = connected_components(
            sp.coo_matrix((np.ones(w.size), (u, v)), shape=(n, n)), directed=False
        )
        nodes = np.arange(n)
        open_components = _open_components(graph, mate, label, perm)
        todo = nodes[np.isin(label, open_components)]
        mate, solved = _milp_components(graph, mate, todo, deadline)
        weight = _matching_weight(graph, mate)
        if solved:
            exact = True
            bound = weight
            method += " + programme en nombres entiers (HiGHS) sur les composantes non prouvées"
    return Matching(mate=mate, weight=weight, upper_bound=max(bound, weight), exact=exact, method=method)


def _share(deadline: float, share: float, n: int) -> float:
    """The blossom search's deadline: ``share`` of the time left, less its closing work
    (settling the trees and certifying every edge: ≈ 2 µs per member)."""
    now = time.monotonic()
    return now + share * (deadline - now) - 2e-6 * n


def _is_matching(graph: _Graph, mate: IntArray) -> bool:
    """Every member paired at most once, and only along an edge of the graph."""
    paired = np.flatnonzero(mate >= 0)
    if paired.size == 0:
        return True
    if (mate >= graph.n).any() or (mate[mate[paired]] != paired).any() or (mate[paired] == paired).any():
        return False
    return bool((graph.weight(paired, mate[paired]) > 0).all())


def _certified(graph: _Graph, result: BlossomResult) -> Matching | None:
    """The blossom result as an exact Matching, if its duals prove it optimal (else None).

    The bound is recomputed from the final duals by :func:`blossom.certify` (every edge
    re-checked, float shortfalls covered); the matching is re-checked and re-weighed here.
    """
    if not result.finished or not _is_matching(graph, result.mate):
        return None
    weight = _matching_weight(graph, result.mate)
    if weight < result.bound - 1e-9 * max(1.0, abs(result.bound)):
        return None
    return Matching(
        mate=result.mate,
        weight=weight,
        upper_bound=max(result.bound, weight),
        exact=True,
        method="algorithme d'Edmonds (couplage pondéré, fleurs) — optimalité certifiée par les duales",
    )


def _open_components(graph: _Graph, mate: IntArray, label: IntArray, perm: IntArray | None) -> IntArray:
    if perm is None:
        return np.unique(label)
    # A component whose relaxation was integral and whose matching is exactly it is optimal.
    idx = np.arange(graph.n)
    integral = perm[perm] == idx
    agrees = np.where(perm == idx, mate < 0, mate == perm)
    bad = ~(integral & agrees)
    return np.unique(label[bad])


# --------------------------------------------------------------------------- ids


def _edges_from(
    members: Sequence[Id],
    candidates: Mapping[Id, Iterable[tuple[Id, float]]] | object,
    past_pairs: Collection[tuple[Id, Id]],
) -> tuple[IntArray, IntArray, FloatArray]:
    where = {m: i for i, m in enumerate(members)}
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    if isinstance(candidates, Mapping):
        for a, partners in candidates.items():
            if a not in where:
                continue
            for b, weight in partners:
                if b in where:
                    us.append(where[a])
                    vs.append(where[b])
                    ws.append(float(weight))
        w = np.array(ws, dtype=np.float64)
        u = np.array(us, dtype=np.int64)
        v = np.array(vs, dtype=np.int64)
    else:
        dense = np.asarray(candidates, dtype=np.float64)
        if dense.shape != (len(members), len(members)):
            raise PlanningError(
                f"La matrice des poids doit être {len(members)}×{len(members)} (reçu : {dense.shape})."
            )
        u, v = np.nonzero(np.triu(dense, 1) + np.triu(dense.T, 1))
        u, v = u.astype(np.int64), v.astype(np.int64)
        w = np.maximum(dense[u, v], dense[v, u])
    if not np.isfinite(w).all():
        raise PlanningError("Les poids des binômes contiennent des valeurs manquantes ou infinies (NaN).")
    if (w < 0).any():
        raise PlanningError("Les poids des binômes doivent être positifs ou nuls.")
    n = len(members)
    if past_pairs and u.size:
        past = {
            min(where[a], where[b]) * n + max(where[a], where[b])
            for a, b in past_pairs
            if a in where and b in where
        }
        key = np.minimum(u, v) * n + np.maximum(u, v)
        keep = ~np.isin(key, np.fromiter(past, dtype=np.int64, count=len(past)))
        u, v, w = u[keep], v[keep], w[keep]
    return u, v, w


def pair_round(
    *,
    members: Sequence[Id],
    candidates: Mapping[Id, Iterable[tuple[Id, float]]] | object,
    past_pairs: Collection[tuple[Id, Id]] = (),
    odd: Literal["trio", "priority"] = "trio",
    time_budget: float = 10.0,
    relaxation_limit: int = 40_000,
    exact_limit: int = 8_000,
) -> PairingResult:
    """One round of 1:1 pairs; see the module docstring. Past pairs never meet again.

    Members left without a partner (the odd one, or those whose candidates are all taken
    or already met) either join the pair that gains most from them as a trio — the pair
    (a, b) maximising w(x, a) + w(x, b), both links new — or, with ``odd="priority"`` or when no
    pair gains, are listed in ``priority`` to be served first next round.
    """
    people = list(members)
    if len(set(people)) != len(people):
        raise PlanningError("Un membre figure deux fois dans la liste.")
    if len(people) < 2:
        return PairingResult(
            (),
            (),
            tuple(people),
            0.0,
            0.0,
            True,
            "aucun",
            reason="Il faut au moins deux membres pour former un binôme.",
        )
    u, v, w = _edges_from(people, candidates, past_pairs)
    n = len(people)
    result = match_arrays(
        n, u, v, w, time_budget=time_budget, relaxation_limit=relaxation_limit, exact_limit=exact_limit
    )
    mate = result.mate
    pairs = [(people[a], people[int(mate[a])]) for a in range(n) if mate[a] > a]
    free = [a for a in range(n) if mate[a] < 0]
    trios: list[tuple[Id, Id, Id]] = []
    priority: list[Id] = []
    notes: list[str] = []
    if free and odd == "trio":
        graph = _Graph(n, *_clean_edges(n, u, v, w))
        taken: set[int] = set()
        for x in sorted(free, key=lambda f: -float(graph.ew[graph.start[f] : graph.start[f + 1]].sum())):
            best, best_gain = None, 0.0
            for a in {int(o) for o in graph.other[graph.start[x] : graph.start[x + 1]]}:
                b = int(mate[a])
                if b < 0 or a in taken:
                    continue
                # Both new links must be allowed: an edge (not a past pair) or at least not a past pair.
                w_xb = float(graph.weight(np.array([x]), np.array([b]))[0])
                if w_xb <= 0:
                    continue
                gain = float(graph.weight(np.array([x]), np.array([a]))[0]) + w_xb
                if gain > best_gain:
                    best, best_gain = (a, b), gain
            if best is None:
                priority.append(people[x])
                continue
            a, b = best
            taken |= {a, b}
            trios.append((people[x], people[a], people[b]))
            notes.append(
                f"{people[x]!r} rejoint {people[a]!r} et {people[b]!r} en trio : le binôme où sa venue ajoute le plus de poids ({best_gain:.3f})."
            )
        if priority:
            notes.append(
                "Sans binôme ce tour-ci (prioritaires au prochain) : aucun binôme ne gagne à les accueillir."
            )
    else:
        priority = [people[a] for a in free]
    return PairingResult(
        pairs=tuple(pairs),
        trios=tuple(trios),
        priority=tuple(priority),
        total_weight=result.weight,
        upper_bound=result.upper_bound,
        exact=result.exact,
        method=result.method,
        notes=tuple(notes),
    )


def simulate_rounds(
    *,
    members: Sequence[Id],
    candidates: Mapping[Id, Iterable[tuple[Id, float]]] | object,
    rounds: int = 12,
    past_pairs: Collection[tuple[Id, Id]] = (),
    odd: Literal["trio", "priority"] = "trio",
    time_budget: float = 10.0,
    exact_limit: int = 8_000,
) -> tuple[list[PairingResult], int]:
    """Run ``rounds`` monthly rounds, each adding its pairs to the past; returns results and repeats seen."""
    past: set[tuple[Id, Id]] = set(past_pairs)
    seen: set[frozenset[Id]] = {frozenset(p) for p in past_pairs}
    results = []
    repeats = 0
    for _ in range(rounds):
        result = pair_round(
            members=members,
            candidates=candidates,
            past_pairs=past,
            odd=odd,
            time_budget=time_budget,
            exact_limit=exact_limit,
        )
        for pair in result.met_pairs():
            if pair in seen:
                repeats += 1
            seen.add(pair)
            a, b = tuple(pair)
            past.add((a, b))
        results.append(result)
    return results, repeats
