"""Exact maximum-weight matching: Edmonds' weighted blossom algorithm, warm-started.

Primal–dual (Edmonds 1965; Galil 1986 for the bookkeeping), on the LP

    max Σ w_e x_e   s.t.  x(δ(v)) ≤ 1,  x(E(B)) ≤ (|B| − 1)/2 for odd sets B,  x ≥ 0,

whose dual is: y_v ≥ 0, z_B ≥ 0, slack_uv = y_u + y_v − w_uv + Σ_{B ∋ u, v} z_B ≥ 0, objective
Σ y_v + Σ z_B (|B| − 1)/2. A matching M is optimal when some feasible dual has every edge of M
tight, z_B > 0 only on blossoms B holding (|B| − 1)/2 edges of M, and y_v = 0 on every vertex
M leaves exposed.

Warm start. Any feasible y together with any matching of tight edges is a valid starting
point; only the exposed vertices with y_v > 0 ("roots") break optimality. The fractional
matching LP (degree constraints only) gives such a start almost for free: its optimal duals
are feasible, its 2-cycles are tight edges, and each of its odd cycles is a cycle of tight
edges that can be matched but for one vertex (:func:`start_from_half_integral`). So only a
few hundred roots remain on a graph of 20,000 members.

Search. Every root grows its alternating tree, all trees together on one clock δ (the dual
change: S-vertices' y go down by δ, T-vertices' up, S-blossoms' z up by 2δ, T-blossoms' down),
driven by a heap of event times: an edge becomes tight (grow the tree, close a blossom, or two
trees meet: augment), an S-vertex's dual reaches 0 (flip the path root → that vertex, which
stays exposed with y = 0), a T-blossom's z reaches 0 (expand it). Duals are kept lazily (a
vertex's is materialised when its blossom's label changes). A tree that augments is dissolved:
only its vertices' edges to other trees get new events, so the work stays local to the part
of the graph the search touches. Each root leaves for good and none is created. Scans push
only the events inside a window of δ (rescanned with a doubled window) and stop early on an
adjacency sorted by y⁰_x − w (no dual drops by more than δ), so most edges are never pushed.

Certificate. At the end (or at the deadline, mid-search: the duals are feasible at every
moment), :func:`certify` recomputes every edge's slack with the blossom duals, covers any
float shortfall, and returns the dual objective: an upper bound on any matching. The matching
is declared optimal by the caller only when its weight reaches that bound.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

__all__ = ["BlossomResult", "certify", "max_weight_matching", "start_from_half_integral"]

_EDGE, _VZERO, _ZZERO, _RESCAN = 0, 1, 2, 3
_FREE, _S, _T = 0, 1, 2


@dataclass(frozen=True)
class BlossomResult:
    """``mate[v]`` is v's partner or −1; ``bound`` ≥ every matching's weight (a certified dual)."""

    mate: IntArray
    weight: float
    bound: float
    finished: bool  # every root processed (the duals then certify optimality up to float error)
    roots: int  # roots at the start
    searched: int  # vertices labelled over all trees (the work done)
    delta: float  # the dual change of the longest-lived tree


class _TimeoutError(Exception):
    pass


class _Solver:
    """State of the primal–dual algorithm. Ids < n are vertices, ids ≥ n nontrivial blossoms.

    All trees grow together on one clock ``now`` (the dual change since the start): the dual
    of a vertex is ``y[v]`` plus (T) or minus (S) ``now − yt[v]``; a top-level blossom's z
    changes twice as fast the other way. Labels, tree ids and the heap of event times hold
    for top-level blossoms only.
    """

    def __init__(
        self,
        n: int,
        start: list[int],
        other: list[int],
        ew: list[float],
        static: list[float],
        mate: list[int],
        y: list[float],
        eps: float,
        deadline: float,
        window: float,
    ) -> None:
        self.n = n
        self.start, self.other, self.ew = start, other, ew
        # static[k] = y_x − w at the start for the k-th (v, x): the adjacency is sorted by it,
        # and as y_x ≥ (its start value) − now, every slack is ≥ y_v + static[k] − now.
        self.static = static
        self.far = 0.0  # ≥ every S-vertex's window end
        self.margin = 1e3 * eps  # the adjacency order is exact only up to float rounding
        self.mate = mate
        self.y = y  # vertex duals, exact at time yt[v]
        self.yt = [0.0] * n
        self.eps = eps
        self.deadline = deadline
        size = 2 * n + 1
        self.inblossom = list(range(n))  # top-level blossom of every vertex
        self.parent = [-1] * size  # immediate parent blossom (−1: top level)
        self.childs: dict[int, list[int]] = {}  # blossoms only
        # edges[b][i] = (x, y): x in childs[b][i], y in childs[b][i + 1 (mod k)]; the odd ones
        # (i = 1, 3, …) are matched, childs[b][0] holds the base.
        self.edges: dict[int, list[tuple[int, int]]] = {}
        self.leaves: dict[int, list[int]] = {}  # blossoms only: see leaves_of
        self.base = list(range(n)) + [-1] * (size - n)
        self.label = [_FREE] * size
        self.labeledge: list[tuple[int, int] | None] = [None] * size
        self.tree = [-1] * size  # root vertex of the tree a labelled blossom belongs to
        self.members: dict[int, list[int]] = {}  # tree → blossoms labelled in it (some stale)
        self.z = [0.0] * size
        self.zt = [0.0] * size
        self.alive = [False] * size
        self.free_ids = list(range(size - 1, n - 1, -1))
        self.now = 0.0
        self.heap: list[tuple[float, int, int, int, float]] = []
        self.searched = 0
        self.pops = 0
        self.stamp = [0] * n  # scans of each vertex: a rescan event is valid for the last one
        self.winend = [math.inf] * n  # events of an S-vertex are in the heap up to this time
        self.window = window

    # ------------------------------------------------------------------ duals

    def leaves_of(self, b: int) -> list[int]:
        """The vertices of blossom ``b`` (a vertex is its own)."""
        return self.leaves[b] if b >= self.n else [b]

    def dual(self, v: int) -> float:
        lab = self.label[self.inblossom[v]]
        if lab == _S:
            return self.y[v] - (self.now - self.yt[v])
        if lab == _T:
            return self.y[v] + (self.now - self.yt[v])
        return self.y[v]

    def zdual(self, b: int) -> float:
        lab = self.label[b] if self.parent[b] < 0 else _FREE
        if lab == _S:
            return self.z[b] + 2.0 * (self.now - self.zt[b])
        if lab == _T:
            return self.z[b] - 2.0 * (self.now - self.zt[b])
        return self.z[b]

    def settle(self, b: int) -> None:
        """Materialise the duals of top-level ``b`` at the current time (before a label change)."""
        lab = self.label[b]
        now = self.now
        y, yt = self.y, self.yt
        if b < self.n:  # a single vertex
            if lab == _S:
                y[b] -= now - yt[b]
            elif lab == _T:
                y[b] += now - yt[b]
            yt[b] = now
            return
        if lab == _S:
            for v in self.leaves_of(b):
                y[v] -= now - yt[v]
                yt[v] = now
        elif lab == _T:
            for v in self.leaves_of(b):
                y[v] += now - yt[v]
                yt[v] = now
        else:
            for v in self.leaves_of(b):
                yt[v] = now
        self.z[b] = self.zdual(b)
        self.zt[b] = now

    # ------------------------------------------------------------------ labels

    def scan(self, b: int, leaves: list[int]) -> None:
        """Vertices of the S-blossom ``b``, just settled: their events (first window)."""
        self.searched += len(leaves)
        stamp = self.stamp
        for v in leaves:
            stamp[v] += 1
            self.scan_vertex(v, b, self.window)

    def scan_vertex(self, v: int, b: int, width: float) -> None:
        """The events of S-vertex ``v`` (in top-level ``b``) that fall before ``now + width``.

        Later ones wait for a rescan at ``now + width`` (with a doubled width): a tree usually
        ends long before most of its edges become tight, so most edges are never pushed, and
        the sorted adjacency lets the scan stop at the first edge that cannot be in the window.
        """
        now, eps = self.now, self.eps
        end = now + width
        heap, other, ew, static = self.heap, self.other, self.ew, self.static
        inblossom, label, y, yt = self.inblossom, self.label, self.y, self.yt
        push = heapq.heappush
        yv = y[v] - (now - yt[v])
        if now + yv <= end:
            push(heap, (now + yv, _VZERO, v, -1, 0.0))
        # Every remaining key is ≥ now + (yv + static[k] − now) / 2: stop past the window.
        stop = 2.0 * width + now - yv + self.margin
        for k in range(self.start[v], self.start[v + 1]):
            if static[k] > stop:
                break
            x = other[k]
            bx = inblossom[x]
            if bx == b:
                continue
            lab = label[bx]
            if lab == _T:
                continue  # constant slack while x is T; pushed again if that changes
            if lab == _S:
                slack = yv + y[x] - (now - yt[x]) - ew[k]
                key = now + (slack if slack > -eps else 0.0) / 2.0
            else:
                slack = yv + y[x] - ew[k]
                key = now + (slack if slack > -eps else 0.0)
            if key <= end:
                push(heap, (key, _EDGE, v, x, ew[k]))
        # Always a rescan at the window's end: neighbours may change labels meanwhile.
        push(heap, (end, _RESCAN, v, self.stamp[v], 2.0 * width))
        self.winend[v] = end
        if end > self.far:
            self.far = end

    def push_from_s(self, b: int) -> None:
        """Top-level ``b`` just became unlabelled: the events of its edges to S-vertices
        (within their windows; their rescans see the rest)."""
        heap, other, ew, static = self.heap, self.other, self.ew, self.static
        inblossom, label, y, yt, winend = self.inblossom, self.label, self.y, self.yt, self.winend
        now, far = self.now, self.far
        for v in self.leaves_of(b):
            yv = y[v]
            stop = far - yv + self.margin  # key ≥ yv + static[k]: past every window beyond this
            for k in range(self.start[v], self.start[v + 1]):
                if static[k] > stop:
                    break
                x = other[k]
                bx = inblossom[x]
                if bx != b and label[bx] == _S:
                    key = now + max(yv + y[x] - (now - yt[x]) - ew[k], 0.0)
                    if key <= winend[x]:
                        heapq.heappush(heap, (key, _EDGE, x, v, ew[k]))

    def mark(self, b: int, lab: int, edge: tuple[int, int] | None, tree: int) -> None:
        self.settle(b)
        self.label[b] = lab
        self.labeledge[b] = edge
        self.tree[b] = tree
        self.members[tree].append(b)

    def assign(self, b: int, lab: int, edge: tuple[int, int] | None, tree: int) -> None:
        self.mark(b, lab, edge, tree)
        if lab == _S:
            self.scan(b, self.leaves_of(b))
        else:
            self.searched += len(self.leaves_of(b))
            if b >= self.n:
                heapq.heappush(self.heap, (self.now + self.z[b] / 2.0, _ZZERO, b, -1, 0.0))
            base = self.base[b]
            partner = self.mate[base]
            self.assign(self.inblossom[partner], _S, (base, partner), tree)

    # ------------------------------------------------------------------ blossoms

    def new_id(self) -> int:
        b = self.free_ids.pop()
        self.alive[b] = True
        return b

    def s_parent(self, b: int) -> int:
        """The S-blossom two levels above S-blossom ``b`` in its tree (−1 at the root)."""
        edge = self.labeledge[b]
        if edge is None:
            return -1
        bt = self.inblossom[edge[0]]
        edge_t = self.labeledge[bt]
        assert edge_t is not None
        return self.inblossom[edge_t[0]]

    def add_blossom(self, v: int, w: int) -> None:
        """Tight edge between two S-blossoms of one tree: the odd cycle becomes an S-blossom."""
        bv, bw = self.inblossom[v], self.inblossom[w]
        # Common S-ancestor: walk up both paths alternately until one meets the other's mark.
        seen: set[int] = set()
        a, c = bv, bw
        top = -1
        while top < 0:
            if a >= 0:
                if a in seen:
                    top = a
                    break
                seen.add(a)
                a = self.s_parent(a)
            if c >= 0:
                if c in seen:
                    top = c
                    break
                seen.add(c)
                c = self.s_parent(c)
            if a < 0 and c < 0:
                raise AssertionError("blossom without common ancestor")
        path_v = self._chain(bv, top)
        path_w = self._chain(bw, top)
        childs = [top, *path_v[::-1], *path_w]
        edges: list[tuple[int, int]] = []
        for c_next in path_v[::-1]:
            edge = self.labeledge[c_next]
            assert edge is not None
            edges.append(edge)
        edges.append((v, w))
        for c_here in path_w:
            edge = self.labeledge[c_here]
            assert edge is not None
            edges.append((edge[1], edge[0]))
        tree = self.tree[top]
        b = self.new_id()
        for c_ in childs:
            self.settle(c_)
        self.childs[b] = childs
        self.edges[b] = edges
        self.base[b] = self.base[top]
        self.labeledge[b] = self.labeledge[top]
        self.z[b] = 0.0
        self.zt[b] = self.now
        leaves: list[int] = []
        formerly_t: list[int] = []
        for c_ in childs:
            self.parent[c_] = b
            leaves.extend(self.leaves_of(c_))
            if self.label[c_] == _T:
                formerly_t.append(c_)
        self.leaves[b] = leaves
        for x in leaves:
            self.inblossom[x] = b
        self.label[b] = _S
        self.tree[b] = tree
        self.members[tree].append(b)
        for c_ in formerly_t:  # their vertices are S now
            self.scan(b, self.leaves_of(c_))

    def _chain(self, b: int, top: int) -> list[int]:
        """Blossoms from S-blossom ``b`` up to ``top`` (excluded), T-blossoms included."""
        out: list[int] = []
        while b != top:
            out.append(b)
            edge = self.labeledge[b]
            assert edge is not None
            bt = self.inblossom[edge[0]]
            out.append(bt)
            edge_t = self.labeledge[bt]
            assert edge_t is not None
            b = self.inblossom[edge_t[0]]
        return out

    def _release(self, b: int) -> list[int]:
        """Make the children of top-level, settled ``b`` unlabelled top-level blossoms; free ``b``."""
        childs = self.childs[b]
        now = self.now
        for c in childs:
            self.parent[c] = -1
            for x in self.leaves_of(c):
                self.inblossom[x] = c
                self.yt[x] = now
            self.label[c] = _FREE
            self.labeledge[c] = None
            self.tree[c] = -1
            self.zt[c] = now
        self.alive[b] = False
        self.label[b] = _FREE
        self.labeledge[b] = None
        self.tree[b] = -1
        self.childs[b] = []
        self.edges[b] = []
        self.leaves[b] = []
        self.free_ids.append(b)
        return childs

    def expand_t(self, b: int) -> None:
        """T-blossom ``b`` whose z reached 0: its children re-enter the tree, or leave it."""
        self.settle(b)
        tree = self.tree[b]
        edge = self.labeledge[b]
        assert edge is not None
        entry = edge[1]
        while self.parent[entry] != b:
            entry = self.parent[entry]
        childs = list(self.childs[b])
        edges = list(self.edges[b])
        k = len(childs)
        j = childs.index(entry)
        self._release(b)
        # Path from the entry child to the base child: the side of even length in the cycle.
        path: list[int] = []
        links: list[tuple[int, int]] = []  # links[p] joins path[p] and path[p + 1]
        if j % 2 == 0:
            for i in range(j, -1, -1):
                path.append(childs[i])
                if i > 0:
                    x, w = edges[i - 1]
                    links.append((w, x))
        else:
            for i in range(j, k + 1):
                path.append(childs[i % k])
                if i < k:
                    links.append(edges[i])
        on_path = set(path)
        for p, c in enumerate(path):
            if p % 2 == 0:
                self.mark(c, _T, edge if p == 0 else links[p - 1], tree)
                if c >= self.n:
                    heapq.heappush(self.heap, (self.now + self.z[c] / 2.0, _ZZERO, c, -1, 0.0))
            else:
                self.mark(c, _S, links[p - 1], tree)
                self.scan(c, self.leaves_of(c))
        for c in childs:
            if c not in on_path:
                self.push_from_s(c)

    def augment_blossom(self, b: int, v: int) -> None:
        """Rotate blossom ``b`` (and the sub-blossoms involved) so that vertex ``v`` is its base."""
        mate, parent, n = self.mate, self.parent, self.n
        todo = [(b, v)]
        while todo:
            b, v = todo.pop()
            t = v
            while parent[t] != b:
                t = parent[t]
            if t >= n:
                todo.append((t, v))
            childs, edges = self.childs[b], self.edges[b]
            k = len(childs)
            j = childs.index(t)
            for i in range(j + 1, k, 2) if j % 2 else range(0, j, 2):
                x, w = edges[i]
                if childs[i] >= n:
                    todo.append((childs[i], x))
                nxt = childs[(i + 1) % k]
                if nxt >= n:
                    todo.append((nxt, w))
                mate[x] = w
                mate[w] = x
            self.childs[b] = childs[j:] + childs[:j]
            self.edges[b] = edges[j:] + edges[:j]
            self.base[b] = v

    def flip_path(self, s: int, j: int) -> None:
        """Alternate the tree path from S-vertex ``s`` to its root; ``s`` ends matched to ``j`` (−1: exposed)."""
        while True:
            bs = self.inblossom[s]
            if bs >= self.n:
                self.augment_blossom(bs, s)
            self.mate[s] = j
            edge = self.labeledge[bs]
            if edge is None:
                break
            bt = self.inblossom[edge[0]]
            edge_t = self.labeledge[bt]
            assert edge_t is not None
            s, j = edge_t
            if bt >= self.n:
                self.augment_blossom(bt, j)
            self.mate[j] = s

    def dissolve(self, tree: int, expand: bool = True) -> None:
        """The tree is done: settle its duals, unlabel it, expand its S-blossoms with z = 0,
        and give its vertices' edges to the other trees' S-vertices their new events."""
        freed: list[int] = []
        for b in self.members.pop(tree):
            if (b >= self.n and not self.alive[b]) or self.parent[b] >= 0:
                continue
            if self.tree[b] != tree or self.label[b] == _FREE:
                continue
            self.settle(b)
            was_s = self.label[b] == _S
            self.label[b] = _FREE
            self.labeledge[b] = None
            self.tree[b] = -1
            if expand and was_s and b >= self.n and self.z[b] <= self.eps:
                stack = [b]
                while stack:
                    c = stack.pop()
                    for child in self._release(c):
                        if child >= self.n and self.z[child] <= self.eps:
                            stack.append(child)
                        else:
                            freed.append(child)
            else:
                freed.append(b)
        if expand:
            for b in freed:
                self.push_from_s(b)

    # ------------------------------------------------------------------ all trees

    def run(self, roots: list[int]) -> None:
        for r in roots:
            self.members[r] = []
            self.assign(self.inblossom[r], _S, None, r)
        heap, eps = self.heap, self.eps
        label, inblossom, tree_of = self.label, self.inblossom, self.tree
        y, yt = self.y, self.yt
        while self.members:
            key, kind, a, c, weight = heapq.heappop(heap)
            self.pops += 1
            if self.pops & 255 == 1 and time.monotonic() > self.deadline:
                raise _TimeoutError  # the duals are feasible at self.now: the event is not needed
            if kind == _EDGE:
                ba, bc = inblossom[a], inblossom[c]
                if ba == bc or label[ba] != _S:
                    continue
                lab = label[bc]
                if lab == _T:
                    continue
                if key > self.now:
                    self.now = key
                # ba is S; bc is S or unlabelled.
                slack = y[a] - (self.now - yt[a]) + y[c] - weight
                if lab == _S:
                    slack -= self.now - yt[c]
                if slack > eps:
                    continue  # stale: a later event of this edge is in the heap
                tree = tree_of[ba]
                if lab == _S:
                    other = tree_of[bc]
                    if other == tree:
                        self.add_blossom(a, c)
                    else:  # two trees meet: one augmenting path through (a, c)
                        self.flip_path(a, c)
                        self.flip_path(c, a)
                        self.dissolve(tree)
                        self.dissolve(other)
                elif self.mate[self.base[bc]] < 0:  # an exposed vertex whose dual is already 0
                    if bc >= self.n:
                        self.augment_blossom(bc, c)
                    self.mate[c] = a
                    self.flip_path(a, c)
                    self.dissolve(tree)
                else:
                    self.assign(bc, _T, (a, c), tree)
            elif kind == _VZERO:
                ba = inblossom[a]
                if label[ba] != _S:
                    continue
                if key > self.now:
                    self.now = key
                if self.dual(a) > eps:
                    continue
                tree = tree_of[ba]
                self.flip_path(a, -1)
                self.settle(ba)
                self.y[a] = 0.0
                self.dissolve(tree)
            elif kind == _RESCAN:
                ba = inblossom[a]
                if self.stamp[a] != c or label[ba] != _S:
                    continue
                if key > self.now:
                    self.now = key
                self.scan_vertex(a, ba, weight)
            else:
                if (a >= self.n and not self.alive[a]) or self.parent[a] >= 0 or label[a] != _T:
                    continue
                if key > self.now:
                    self.now = key
                if self.zdual(a) > eps:
                    continue
                self.expand_t(a)

    def stop(self) -> None:
        """At the deadline: settle every tree (the duals stay feasible), keep the blossoms."""
        for tree in list(self.members):
            self.dissolve(tree, expand=False)


def max_weight_matching(
    n: int,
    u: IntArray,
    v: IntArray,
    w: FloatArray,
    *,
    mate: IntArray | None = None,
    y: FloatArray | None = None,
    deadline: float = float("inf"),
    window: float = 0.002,
) -> BlossomResult:
    """Maximum-weight matching of the simple graph (u[i], v[i], w[i] > 0), warm-started.

    ``y`` must be a feasible dual (y ≥ 0, y_u + y_v ≥ w_uv); ``mate`` a matching whose edges
    are tight for it (edges that are not are dropped). Without them, the start is the empty
    matching and y_v = half the heaviest weight at v. Stops at ``deadline`` with the matching
    and the certified bound reached so far (``finished`` False).
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    ends = np.concatenate([u, v])
    scale = float(w.max()) if w.size else 1.0
    eps = 1e-10 * max(scale, 1e-300)
    if y is None:
        y0 = np.zeros(n)
        if w.size:
            np.maximum.at(y0, ends, np.concatenate([w, w]) / 2.0)
    else:
        y0 = np.maximum(np.asarray(y, dtype=np.float64), 0.0).copy()
        if w.size:  # cover any float shortfall
            short = np.maximum(w - y0[u] - y0[v], 0.0)
            np.add.at(y0, u, short)
    m0 = np.full(n, -1, dtype=np.int64) if mate is None else np.asarray(mate, dtype=np.int64).copy()
    m0 = _tight_part(m0, u, v, w, y0, eps)
    y0[(m0 < 0) & (y0 <= eps)] = 0.0
    # Adjacency of every vertex sorted by y0_x − w (its edges' slacks at the start, but for
    # y0_v): since no dual drops by more than the clock, scans can stop early (see scan_vertex).
    others = np.concatenate([v, u])
    weights = np.concatenate([w, w])
    static = y0[others] - weights
    if static.size:  # one float key: the vertex, then its edges by static value (within [0, 1))
        spread = float(static.max() - static.min())
        rank = (static - static.min()) / (spread * (1.0 + 1e-9) if spread > 0 else 1.0)
        order = np.argsort(ends + rank)
    else:
        order = np.zeros(0, dtype=np.int64)
    start_arr = np.searchsorted(ends[order], np.arange(n + 1))
    solver = _Solver(
        n,
        start_arr.tolist(),
        others[order].tolist(),
        weights[order].tolist(),
        static[order].tolist(),
        m0.tolist(),
        y0.tolist(),
        eps,
        deadline,
        window * scale,
    )
    roots = [r for r in range(n) if solver.mate[r] < 0 and solver.y[r] > eps]
    finished = True
    try:
        solver.run(roots)
    except _TimeoutError:
        finished = False
        solver.stop()
    mate_out = np.array(solver.mate, dtype=np.int64)
    blossoms = [b for b in range(n, 2 * n + 1) if solver.alive[b]]
    z = np.array([solver.z[b] for b in blossoms])
    members = [np.array(solver.leaves[b], dtype=np.int64) for b in blossoms]
    bound = certify(n, u, v, w, np.array(solver.y), members, z)
    weight = _weight(u, v, w, mate_out)
    return BlossomResult(mate_out, weight, bound, finished, len(roots), solver.searched, solver.now)


def _weight(u: IntArray, v: IntArray, w: FloatArray, mate: IntArray) -> float:
    return float(w[mate[u] == v].sum()) if w.size else 0.0


def _tight_part(
    mate: IntArray, u: IntArray, v: IntArray, w: FloatArray, y: FloatArray, eps: float
) -> IntArray:
    """The matched edges that exist and are tight for y (the others are dropped)."""
    n = mate.size
    out = np.full(n, -1, dtype=np.int64)
    if not w.size:
        return out
    matched = (mate[u] == v) & (mate[v] == u)
    tight = matched & (y[u] + y[v] - w <= eps)
    out[u[tight]] = v[tight]
    out[v[tight]] = u[tight]
    return out


def certify(
    n: int, u: IntArray, v: IntArray, w: FloatArray, y: FloatArray, members: list[IntArray], z: FloatArray
) -> float:
    """A certified upper bound from the duals: Σ y + Σ z_B (|B| − 1)/2 after covering every edge.

    Negative duals (float noise) are raised to 0 and every edge short of its weight has the
    shortfall added to one end, so the returned value is the objective of a feasible dual.
    """
    y = np.maximum(np.asarray(y, dtype=np.float64), 0.0)
    z = np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    cover = y[u] + y[v]
    if w.size and members:
        by_u = np.argsort(u, kind="stable")
        first = np.searchsorted(u[by_u], np.arange(n + 1))
        inside = np.zeros(n, dtype=bool)
        for b_members, zb in zip(members, z.tolist(), strict=True):
            if zb <= 0.0:
                continue
            lengths = first[b_members + 1] - first[b_members]
            offsets = np.repeat(first[b_members] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
            ids = by_u[offsets + np.arange(int(lengths.sum()))]  # edges whose u is in B
            inside[b_members] = True
            ids = ids[inside[v[ids]]]
            cover[ids] += zb
            inside[b_members] = False
    extra = float(np.maximum(w - cover, 0.0).sum()) if w.size else 0.0
    sizes = np.array([len(m) for m in members], dtype=np.float64)
    blossom_part = float((z * (sizes - 1.0) / 2.0).sum()) if members else 0.0
    return float(y.sum()) + blossom_part + extra


def start_from_half_integral(perm: IntArray, y: FloatArray) -> IntArray:
    """A matching of tight edges from a half-integral LP optimum (a permutation of cycles).

    2-cycles are pairs; an even cycle is matched alternately; an odd cycle is matched around
    but for its member of least dual, left exposed (the one closest to satisfying y = 0).
    """
    n = perm.size
    idx = np.arange(n)
    mate = np.full(n, -1, dtype=np.int64)
    two = (perm[perm] == idx) & (perm != idx)
    mate[two] = perm[two]
    seen = two | (perm == idx)
    perm_l = perm.tolist()
    y_l = np.asarray(y, dtype=np.float64).tolist()
    for s in np.flatnonzero(~seen).tolist():
        if seen[s]:
            continue
        cycle = [s]
        seen[s] = True
        x = perm_l[s]
        while x != s:
            cycle.append(x)
            seen[x] = True
            x = perm_l[x]
        k = len(cycle)
        first = 0 if k % 2 == 0 else min(range(k), key=lambda i: y_l[cycle[i]]) + 1
        for p in range(0, k - 1, 2):
            a, b = cycle[(first + p) % k], cycle[(first + p + 1) % k]
            mate[a], mate[b] = b, a
    return mate
