"""Shared steps: proxy matrices per weights, exact re-scoring of candidate pairs, per-member ranked lists."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import ProxyMatrices, proxy_vectors
from .index import MatchingIndex
from .scoring import pair_scores
from .weights import Weights

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.signedinteger[Any]]  # row indices, int32 or int64

RESCORE_CHUNK = 200_000
RANK_CHUNK = 4_000_000  # pairs ranked at once


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

    Ties keep candidate-row order, so results are deterministic."""
    n = query_rows.size
    rows_out = np.full((n, length), -1, dtype=np.int64)
    scores_out = np.zeros((n, length), dtype=np.float32)
    positive = score > 0
    q, c, score = q[positive], c[positive], score[positive]
    if q.size == 0 or length == 0:
        return rows_out, scores_out
    slot = np.full(index.size, -1, dtype=np.int64)
    slot[query_rows] = np.arange(n)
    # Pairs sorted by member (as blocked candidates come) are ranked a slice of members at a time, so the sort's
    # arrays stay small.
    cuts = [0, q.size]
    if q.size > RANK_CHUNK and bool(np.all(q[1:] >= q[:-1])):
        starts = np.searchsorted(q, q[np.arange(RANK_CHUNK, q.size, RANK_CHUNK)], side="left")
        cuts = [0, *sorted(set(starts.tolist()) - {0}), q.size]
    for lo, hi in pairwise(cuts):
        _fill(slot[q[lo:hi]], c[lo:hi], score[lo:hi], rows_out, scores_out, n=n, length=length)
    return rows_out, scores_out


def _fill(member: I64, c: Rows, score: F32, rows_out: I64, scores_out: F32, *, n: int, length: int) -> None:
    # One float64 key orders by member, then score descending (scores are in [0, 1]); the stable sort keeps
    # equal scores in candidate-row order, so results are deterministic. Candidate generation never repeats a
    # pair (each member is in one group, pools are sets).
    key = member.astype(np.float64) * 4.0 - score.astype(np.float64)
    order = np.argsort(key, kind="stable")
    del key
    member, c, score = member[order], c[order], score[order]
    counts = np.bincount(member, minlength=n)
    offsets = np.arange(member.size) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = offsets < length
    rows_out[member[keep], offsets[keep]] = c[keep]
    scores_out[member[keep], offsets[keep]] = score[keep]
