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

RESCORE_CHUNK = 50_000  # pairs scored at once: their per-attribute arrays stay in the cores' caches
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
    if q.size == 0 or length == 0:
        return rows_out, scores_out
    if n == index.size and bool(np.all(query_rows[1:] > query_rows[:-1])) and bool(np.all(q[1:] >= q[:-1])):
        # Every member, pairs grouped by member (as blocked candidates come): no global sort.
        _fill_grouped(q, c, score, rows_out, scores_out, n=n, length=length)
        return rows_out, scores_out
    positive = score > 0
    q, c, score = q[positive], c[positive], score[positive]
    slot = np.full(index.size, -1, dtype=np.int64)
    slot[query_rows] = np.arange(n)
    # Pairs sorted by member are ranked a slice of members at a time, so the sort's arrays stay small.
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


def _fill_grouped(
    member: I64, c: Rows, score: F32, rows_out: I64, scores_out: F32, *, n: int, length: int
) -> None:
    """_fill for pairs grouped by member (`member` = row of the output, non-decreasing), non-positive scores
    left out, without a global sort: a slice of members at a time, each member's list is laid out as a row of
    a padded matrix; its `length` best are those above its length-th best score (a partition), then equal
    scores in input order, exactly as the stable sort would keep them."""
    counts = np.bincount(member, minlength=n)
    ends = np.cumsum(counts)
    step = max(1, RANK_CHUNK // max(int(counts.max()), 1))
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        first, last = int(ends[lo] - counts[lo]), int(ends[hi - 1])
        if first == last:
            continue
        widest = int(counts[lo:hi].max())
        # Flat position in the padded slice: row (member − lo), column (rank in the member's input order).
        group = member[first:last].astype(np.int64)
        flat = (group - lo) * widest + (np.arange(first, last) - (ends[group] - counts[group]))
        del group
        padded = np.full((hi - lo, widest), -np.inf, dtype=np.float32)
        values = score[first:last]
        padded.ravel()[flat] = np.where(values > 0, values, -np.inf)
        cands = np.full((hi - lo, widest), -1, dtype=np.int64)
        cands.ravel()[flat] = c[first:last]
        rows_pad = np.full((hi - lo, length), -1, dtype=np.int64)
        scores_pad = np.full((hi - lo, length), -np.inf, dtype=np.float32)
        if widest > length:
            kth = np.partition(padded, widest - length, axis=1)[:, widest - length, None]
            above = padded > kth
            room = length - above.sum(axis=1, keepdims=True)
            tie = padded == kth
            keep = above | (tie & (np.cumsum(tie, axis=1) <= room))
            # At most `length` entries per row (padding included where a row is shorter), in input order.
            kept = np.nonzero(keep)
            shown = keep.sum(axis=1)
            slot = np.arange(kept[0].size) - np.repeat(np.cumsum(shown) - shown, shown)
            rows_pad[kept[0], slot] = cands[kept]
            scores_pad[kept[0], slot] = padded[kept]
        else:
            rows_pad[:, :widest] = cands
            scores_pad[:, :widest] = padded
        order = np.argsort(-scores_pad, axis=1, kind="stable")
        ranked = np.take_along_axis(rows_pad, order, axis=1)
        ranked_scores = np.take_along_axis(scores_pad, order, axis=1)
        shown_here = np.isfinite(ranked_scores)
        rows_out[lo:hi] = np.where(shown_here, ranked, -1)
        scores_out[lo:hi] = np.where(shown_here, ranked_scores, 0.0)


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
    rows_out = np.full((n, length), -1, dtype=np.int64)
    scores_out = np.zeros((n, length), dtype=np.float32)
    if q.size == 0 or length == 0:
        return rows_out, scores_out
    slot = np.full(index.size, -1, dtype=np.int64)
    slot[query_rows] = np.arange(n)
    members: list[I64] = []
    candidates: list[Rows] = []
    scores: list[F32] = []
    for lo in range(0, q.size, RANK_CHUNK):
        member, cand, s = c[lo : lo + RANK_CHUNK], q[lo : lo + RANK_CHUNK], score[lo : lo + RANK_CHUNK]
        where = slot[member]
        ok = (where >= 0) & index.recommendable[cand] & (s > 0)
        if floor is not None:
            ok &= s > floor[np.maximum(where, 0)]
        members.append(where[ok])
        candidates.append(cand[ok])
        scores.append(s[ok])
    where_all, cand_all, s_all = np.concatenate(members), np.concatenate(candidates), np.concatenate(scores)
    if excluded and where_all.size:
        forbidden = np.concatenate(
            [np.int64(row) * index.size + rows.astype(np.int64) for row, rows in excluded.items()]
        )
        allowed = ~np.isin(query_rows[where_all] * index.size + cand_all, forbidden)
        where_all, cand_all, s_all = where_all[allowed], cand_all[allowed], s_all[allowed]
    if where_all.size:
        _fill(where_all, cand_all, s_all, rows_out, scores_out, n=n, length=length)
    return rows_out, scores_out


def merge_lists(first: tuple[I64, F32], second: tuple[I64, F32], *, length: int) -> tuple[I64, F32]:
    """Two ranked lists per member merged into one, best first, each candidate once (−1 / 0 padded).

    Ties are broken by candidate row, so the result is deterministic."""
    rows = np.concatenate([first[0], second[0]], axis=1)
    scores = np.concatenate([first[1], second[1]], axis=1)
    # Sort each member's entries by candidate row, so a candidate found both ways sits next to itself.
    by_row = np.argsort(np.where(rows < 0, np.iinfo(np.int64).max, rows), axis=1, kind="stable")
    rows = np.take_along_axis(rows, by_row, axis=1)
    scores = np.take_along_axis(scores, by_row, axis=1)
    repeat = np.zeros(rows.shape, dtype=np.bool_)
    repeat[:, 1:] = (rows[:, 1:] == rows[:, :-1]) & (rows[:, 1:] >= 0)
    rank_key = np.where((rows < 0) | repeat, np.float32(np.inf), -scores)
    order = np.argsort(rank_key, axis=1, kind="stable")[:, :length]
    rows = np.take_along_axis(rows, order, axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    dropped = np.take_along_axis(rank_key, order, axis=1) == np.inf
    rows[dropped] = -1
    scores[dropped] = 0.0
    return rows, scores
