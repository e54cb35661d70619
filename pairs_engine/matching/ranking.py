"""Shared steps: proxy matrices per weights, exact re-scoring of candidate pairs, per-member ranked lists."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import ProxyMatrices, proxy_vectors
from .index import MatchingIndex
from .pair_lists import best_per_member, reversed_pairs
from .scoring import pair_scores
from .weights import Weights

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.signedinteger[Any]]  # row indices, int32 or int64

RESCORE_CHUNK = 50_000  # pairs scored at once: their per-attribute arrays stay in the cores' caches


def proxies(index: MatchingIndex, weights: Weights) -> tuple[F32, F32]:
    """(L, R) with L · R = proxy(m, c), both directions summed (for anchors over one inner product)."""
    qf, rf, qb, rb = proxy_matrices(index, weights)
    return np.ascontiguousarray(np.concatenate([qf, qb], axis=1)), np.ascontiguousarray(
        np.concatenate([rf, rb], axis=1)
    )


def proxy_matrices(index: MatchingIndex, weights: Weights) -> ProxyMatrices:
    """(QF, RF, QB, RB), cached on the index per weights (see features.proxy_vectors)."""
    key = tuple(weights.to_dict().values())
    cached = index.proxy_cache.get(key)
    if cached is None:
        if len(index.proxy_cache) >= 4:
            index.proxy_cache.clear()
        cached = proxy_vectors(index, weights)
        index.proxy_cache[key] = cached
    return cached


def rescore(
    index: MatchingIndex, weights: Weights, q: Rows, c: Rows, *, threads: int = 1
) -> tuple[F32, F32, F32]:
    """Exact (score, forward, backward) of pairs, in chunks to bound memory (chunks run on `threads` threads)."""
    parts = _chunks(index, weights, q, c, threads, directions=True)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def rescore_scores(index: MatchingIndex, weights: Weights, q: Rows, c: Rows, *, threads: int = 1) -> F32:
    """Exact scores only (a batch keeps no directions: a third of the memory)."""
    return np.concatenate([p[0] for p in _chunks(index, weights, q, c, threads, directions=False)])


def _chunks(
    index: MatchingIndex, weights: Weights, q: Rows, c: Rows, threads: int, *, directions: bool
) -> list[tuple[F32, ...]]:
    if q.size == 0:
        return [(np.zeros(0, dtype=np.float32),) * 3]

    def chunk(i: int) -> tuple[F32, ...]:
        found = pair_scores(index, q[i : i + RESCORE_CHUNK], c[i : i + RESCORE_CHUNK], weights)
        return found if directions else found[:1]

    starts = range(0, q.size, RESCORE_CHUNK)
    if threads > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=threads) as executor:
            return list(executor.map(chunk, starts))
    return [chunk(i) for i in starts]


def ranked_lists(
    index: MatchingIndex, query_rows: I64, q: Rows, c: Rows, score: F32, *, length: int
) -> tuple[I64, F32]:
    """(len(query_rows), length) candidate rows and scores, best first, only positive scores; −1 / 0 padded.

    Equal scores keep the pairs' order (candidate-row order for pairs sorted by candidate, as a batch's are), so
    results are deterministic."""
    n = query_rows.size
    if q.size == 0 or length == 0:
        return best_per_member(q[:0], c[:0], score[:0], n=n, length=length)
    if n == index.size and bool(np.all(query_rows == np.arange(n))):
        return best_per_member(q, c, score, n=n, length=length)
    slot = np.full(index.size, -1, dtype=np.int64)
    slot[query_rows] = np.arange(n)
    member = slot[q]
    served = member >= 0
    return best_per_member(member[served], c[served], score[served], n=n, length=length)


def reversed_lists(
    index: MatchingIndex,
    query_rows: I64,
    q: Rows,
    c: Rows,
    score: F32,
    *,
    length: int,
    excluded: dict[int, I64] | None = None,
    floor: F32 | None = None,
) -> tuple[I64, F32]:
    """Ranked lists read from the scored pairs backwards: (c, q) for every scored (q, c).

    The reciprocal score is symmetric — the harmonic mean of "m → c" and "c → m" — so a pair scored for m is
    scored for c too, at no cost. Kept only where c is a member being served, q may be recommended, and q is
    not excluded for c. `floor[i]` (optional, per member of `query_rows`): only pairs scoring above it are kept —
    pass the last score of the member's own list, and only pairs that can enter it are sorted."""
    n = query_rows.size
    if q.size == 0 or length == 0:
        return best_per_member(q[:0], c[:0], score[:0], n=n, length=length)
    slot = np.full(index.size, -1, dtype=np.int64)
    slot[query_rows] = np.arange(n)
    # A contiguous floor: read at random, a strided column view costs three times as much.
    floor = (
        np.full(n, -np.inf, dtype=np.float32) if floor is None else np.ascontiguousarray(floor, np.float32)
    )
    where_all, cand_all, s_all = reversed_pairs(
        q, c, score, slot=slot, recommendable=index.recommendable, floor=floor
    )
    if excluded and where_all.size:
        forbidden = np.concatenate(
            [np.int64(row) * index.size + rows.astype(np.int64) for row, rows in excluded.items()]
        )
        allowed = ~np.isin(query_rows[where_all] * index.size + cand_all, forbidden)
        where_all, cand_all, s_all = where_all[allowed], cand_all[allowed], s_all[allowed]
    return best_per_member(where_all, cand_all, s_all, n=n, length=length)
