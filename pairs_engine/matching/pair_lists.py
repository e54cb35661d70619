"""Per-member lists of scored pairs, compiled (numba): group tens of millions of (member, candidate) pairs by
member, drop repeated pairs, keep each member's best.

Why compiled: the batch handles about 50 million pairs at 300,000 members. A global sort of 64-bit keys (to drop
repeats) and of float keys (to rank) cost 5 s and 7 s there. A member's pairs are few (a few hundred), so a
counting sort by member — two linear passes — and small per-member steps do the same work in well under a
second each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.signedinteger[Any]]


@njit(nogil=True, cache=True)
def _starts(member, n):  # type: ignore[no-untyped-def]
    # starts[m]: where member m's entries begin once grouped by member (a counting sort's offsets).
    starts = np.zeros(n + 1, np.int64)
    for m in member:
        starts[m + 1] += 1
    for m in range(n):
        starts[m + 1] += starts[m]
    return starts


@njit(nogil=True, cache=True)
def _group(member, n, order):  # type: ignore[no-untyped-def]
    """A stable counting sort of `member` (values in [0, n)) into `order`; returns (starts, grouped): member m's
    entries are order[starts[m]:starts[m + 1]], in input order — or, when `member` was already grouped (`order`
    then left unwritten), entries starts[m]:starts[m + 1] themselves."""
    starts = _starts(member, n)
    grouped = True
    for i in range(1, member.size):
        if member[i] < member[i - 1]:
            grouped = False
            break
    if grouped:  # a batch's own pairs come grouped
        return starts, True
    fill = starts[:-1].copy()
    for i in range(member.size):
        m = member[i]
        order[fill[m]] = i
        fill[m] += 1
    return starts, False


@njit(nogil=True, cache=True)
def _unique_pairs(q, c, n):  # type: ignore[no-untyped-def]
    # Candidates grouped by member (a counting sort that moves the candidates themselves), then each member's
    # repeats dropped in place: `seen[x] == m` once member m has candidate x.
    starts = _starts(q, n)
    fill = starts[:-1].copy()
    grouped = np.empty(q.size, np.int32)
    for i in range(q.size):
        grouped[fill[q[i]]] = c[i]
        fill[q[i]] += 1
    members = np.empty(q.size, np.int32)
    seen = np.full(n, -1, np.int32)
    count = 0
    for m in range(n):
        for j in range(starts[m], starts[m + 1]):
            x = grouped[j]
            if seen[x] != m:
                seen[x] = m
                grouped[count] = x
                members[count] = m
                count += 1
    return members, grouped, count


def unique_pairs(q: Rows, c: Rows, n: int) -> tuple[I32, I32]:
    """The distinct pairs (q[i], c[i]), rows in [0, n): grouped by q in increasing order, each q's candidates
    in the order they first came."""
    if q.size == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    members, candidates, count = _unique_pairs(
        np.asarray(q, dtype=np.int32), np.asarray(c, dtype=np.int32), n
    )
    return members[:count], candidates[:count]


@njit(nogil=True, cache=True)
def _best_per_member(member, cand, score, n, length, order, rows_out, scores_out):  # type: ignore[no-untyped-def]
    starts, grouped = _group(member, n, order)
    values = np.empty(length, np.float32)
    picks = np.empty(length, np.int64)
    for m in range(n):
        lo, hi = starts[m], starts[m + 1]
        # The `length` best positive scores, then sorted by score (ties: input order) — an insertion into a
        # short sorted list, since lists are short and most entries fall below its end.
        kept = 0
        for j in range(lo, hi):
            i = j if grouped else order[j]
            s = score[i]
            if s <= 0:
                continue
            if kept == length and s <= values[kept - 1]:
                continue
            p = kept if kept < length else length - 1
            while p > 0 and values[p - 1] < s:
                if p < length:
                    values[p] = values[p - 1]
                    picks[p] = picks[p - 1]
                p -= 1
            values[p] = s
            picks[p] = i
            if kept < length:
                kept += 1
        for p in range(kept):
            rows_out[m, p] = cand[picks[p]]
            scores_out[m, p] = values[p]


def best_per_member(member: Rows, cand: Rows, score: F32, *, n: int, length: int) -> tuple[I64, F32]:
    """(n, length) candidates and scores of each member 0..n−1, best first, positive scores only (−1 / 0
    padded). Equal scores keep the input order, so results are deterministic."""
    rows_out = np.full((n, length), -1, dtype=np.int64)
    scores_out = np.zeros((n, length), dtype=np.float32)
    if member.size and length > 0:
        # Rows fit in 32 bits: int32 arrays halve the memory of tens of millions of pairs.
        _best_per_member(
            np.asarray(member, dtype=np.int32),
            np.asarray(cand, dtype=np.int32),
            np.asarray(score, dtype=np.float32),
            n,
            length,
            np.empty(member.size, dtype=np.int32 if member.size < 2**31 else np.int64),
            rows_out,
            scores_out,
        )
    return rows_out, scores_out


@njit(nogil=True, cache=True)
def _merge(first_rows, first_scores, second_rows, second_scores, rows_out, scores_out):  # type: ignore[no-untyped-def]
    n, length = rows_out.shape
    width = first_rows.shape[1] + second_rows.shape[1]
    rows = np.empty(width, np.int64)
    values = np.empty(width, np.float32)
    for m in range(n):
        kept = 0
        for side in range(2):
            source_rows = first_rows if side == 0 else second_rows
            source_scores = first_scores if side == 0 else second_scores
            for j in range(source_rows.shape[1]):
                row = source_rows[m, j]
                if row < 0:
                    continue
                seen = False
                for p in range(kept):
                    if rows[p] == row:
                        seen = True
                        break
                if seen:
                    continue
                # Insert by score descending, then candidate row ascending.
                s = source_scores[m, j]
                p = kept
                while p > 0 and (values[p - 1] < s or (values[p - 1] == s and rows[p - 1] > row)):
                    rows[p] = rows[p - 1]
                    values[p] = values[p - 1]
                    p -= 1
                rows[p] = row
                values[p] = s
                kept += 1
        for p in range(min(kept, length)):
            rows_out[m, p] = rows[p]
            scores_out[m, p] = values[p]


def merge_lists(first: tuple[I64, F32], second: tuple[I64, F32], *, length: int) -> tuple[I64, F32]:
    """Two ranked lists per member (−1 padded) merged into one of `length`, best first, each candidate once (its
    score in `first` where it is in both); equal scores in candidate-row order, so the result is deterministic."""
    n = first[0].shape[0]
    rows_out = np.full((n, length), -1, dtype=np.int64)
    scores_out = np.zeros((n, length), dtype=np.float32)
    if n and length > 0:
        _merge(first[0], first[1], second[0], second[1], rows_out, scores_out)
    return rows_out, scores_out


@njit(nogil=True, cache=True)
def _reversed_pairs(q, c, score, slot, recommendable, floor):  # type: ignore[no-untyped-def]
    count = 0
    for i in range(q.size):
        member = slot[c[i]]
        if member >= 0 and recommendable[q[i]] and score[i] > 0 and score[i] > floor[member]:
            count += 1
    members = np.empty(count, np.int32)
    candidates = np.empty(count, np.int32)
    scores = np.empty(count, np.float32)
    count = 0
    for i in range(q.size):
        member = slot[c[i]]
        if member >= 0 and recommendable[q[i]] and score[i] > 0 and score[i] > floor[member]:
            members[count] = member
            candidates[count] = q[i]
            scores[count] = score[i]
            count += 1
    return members, candidates, scores


def reversed_pairs(
    q: Rows, c: Rows, score: F32, *, slot: I64, recommendable: npt.NDArray[np.bool_], floor: F32
) -> tuple[I32, I32, F32]:
    """(slot[c], q, score) of the pairs read backwards that may enter c's list: c served (slot ≥ 0), q
    recommendable, score positive and above floor[slot[c]]."""
    found: tuple[I32, I32, F32] = _reversed_pairs(q, c, score, slot, recommendable, floor)
    return found
