"""The exact components of pairs, compiled (numba): one pass over the pairs, both directions at once.

Why compiled: scoring a pair reads some twenty attributes of each side, and most rules concern few pairs (step
ahead across phases only, recruiter only when exactly one side recruits, mobility only when nothing better
holds). Written as numpy passes over arrays of pairs, every attribute and every rule costs a pass over all the
pairs — gathers, masks, (pairs × targets × targets) temporaries — and those passes cost far more than the
arithmetic itself. Pair by pair, each side's row is read from two packed tables, a rule is a few comparisons,
and a rule that cannot change the value is skipped. What is left is waiting for memory: the rows of random
pairs are far apart, so the loop asks for the rows of the pairs a few places ahead while it scores the current
one.

This module holds the rules (`scoring.components_both` calls it; the reasons in `scoring` explain its values).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from llvmlite import ir  # type: ignore[import-untyped]
from numba import njit
from numba.core import types
from numba.extending import intrinsic

from .index import RECRUITER, MatchingIndex

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
Rows = npt.NDArray[np.signedinteger[Any]]  # row indices, int32 or int64

# Values of the graded components (the explanations and the proxy features read them too).
STEP_AHEAD_TARGET = 1.0  # c already holds the job m targets
STEP_AHEAD_MOBILITY = 0.6  # a ROME mobility link leads from m's job to c's
JOB_SAME = 1.0
JOB_SHARED_TARGET = 0.8
JOB_SAME_DOMAIN = 0.5
JOB_MOBILITY = 0.4
RECRUITER_JOB = 1.0
RECRUITER_DOMAIN = 0.5
PLACE_DEPARTEMENT = 1.0
PLACE_DELEGATION = 0.5
PLACE_VIDEO = 0.7

# The integer table's first columns, in this order (MatchingIndex fields); then the targets, their domaines and
# the sought and offered topic masks (as int32 halves of the uint64 words).
SCALARS = (
    "situation",
    "phase",
    "job",
    "job_domain",
    "sector",
    "target_sector",
    "departement",
    "delegation",
    "in_person",
    "video",
    "availability",
)
SITUATION, PHASE, JOB, JOB_DOMAIN, SECTOR, TARGET_SECTOR = range(6)
DEPARTEMENT, DELEGATION, IN_PERSON, VIDEO, AVAILABILITY = range(6, 11)
N_COMPONENTS = 10  # the output columns: the fields of `Weights`, in order
# The float table: sought topic count, availability count, then the seek and offer text vectors.
SOUGHT_COUNT, AVAILABILITY_COUNT, TEXT = 0, 1, 2


class Records(NamedTuple):
    """Each row's attributes in two packed tables, so that a pair costs two reads per side."""

    ints: I32
    floats: F32
    width: int  # targets per row
    words: int  # int32 words per topic mask
    rank: int  # text vector length


def packed_records(index: MatchingIndex) -> Records:
    """The packed tables of `index`, built once and kept in `index.records_cache`."""
    if not index.records_cache:
        ix = index
        sought = np.ascontiguousarray(ix.sought).view(np.int32)
        offered = np.ascontiguousarray(ix.offered).view(np.int32)
        ints = np.column_stack(
            [
                np.column_stack([getattr(ix, name).astype(np.int32) for name in SCALARS]),
                ix.targets,
                ix.target_domains,
                sought,
                offered,
            ]
        ).astype(np.int32)
        floats = np.column_stack([ix.sought_count, ix.availability_count, ix.seek_vec, ix.offer_vec]).astype(
            np.float32
        )
        index.records_cache.append(
            Records(
                np.ascontiguousarray(ints),
                np.ascontiguousarray(floats),
                int(ix.targets.shape[1]),
                int(sought.shape[1]),
                int(ix.seek_vec.shape[1]),
            )
        )
    found = index.records_cache[0]
    assert isinstance(found, Records)
    return found


PREFETCH_AHEAD = 8  # pairs: enough to hide a memory read behind the work on the pairs before it
# The helpers are inlined into the kernel (inline="always"): a call that passes an array updates its reference
# count, atomically, for every pair.


@intrinsic
def _prefetch(typingctx, table, row, byte):  # type: ignore[no-untyped-def]
    # Start loading byte `byte` of row `row` of a 2-d table into the cache, without waiting for it (llvm.prefetch:
    # a hint that never faults). Random pairs otherwise wait for each of their rows in turn.
    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        array = context.make_array(signature.args[0])(context, builder, args[0])
        i64 = ir.IntType(64)
        stride = builder.extract_value(array.strides, 0)
        offset = builder.add(builder.mul(args[1], stride), args[2])
        address = builder.inttoptr(
            builder.add(builder.ptrtoint(array.data, i64), offset), ir.IntType(8).as_pointer()
        )
        i32 = ir.IntType(32)
        prefetch = builder.module.declare_intrinsic(
            "llvm.prefetch", fnty=ir.FunctionType(ir.VoidType(), [address.type, i32, i32, i32])
        )
        builder.call(prefetch, [address, i32(0), i32(3), i32(1)])  # read, keep in all levels, data cache
        return context.get_dummy_value()

    return types.void(table, types.int64, types.int64), codegen


@njit(nogil=True, cache=True, inline="always")
def _prefetch_row(table, row):  # type: ignore[no-untyped-def]
    # Every 64-byte line of the row, up to its last byte (rows do not start on a line).
    size = table.strides[0]
    for byte in range(0, size + 63, 64):
        _prefetch(table, row, min(byte, size - 1))  # type: ignore[call-arg]


@njit(nogil=True, cache=True, inline="always")
def _popcount(a, b):  # type: ignore[no-untyped-def]
    # Bits set in both int32 words, counted unsigned (numpy's bitwise_count of a negative int32 counts its
    # absolute value); branch-free, as pairs' bits are unpredictable.
    x = (np.int64(a) & np.int64(b)) & 0xFFFFFFFF
    x -= (x >> 1) & 0x55555555
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    return ((x * 0x01010101) & 0xFFFFFFFF) >> 24


@njit(nogil=True, cache=True, inline="always")
def _ratio(count, total):  # type: ignore[no-untyped-def]
    # In float64 then rounded, as numpy computed it (the same float32 as a float32 division).
    return np.float32(count / max(np.float64(total), 1.0))


@njit(nogil=True, cache=True, inline="always")
def _is_mobility(mobility, keys, n_jobs, source, target):  # type: ignore[no-untyped-def]
    # The dense matrix when the index has one (one read), else a binary search in the sorted keys.
    if source < 0 or target < 0:
        return False
    if mobility.shape[0]:
        return mobility[source, target]
    key = np.int64(source) * n_jobs + target
    low, high = 0, keys.size
    while low < high:
        middle = (low + high) >> 1
        if keys[middle] < key:
            low = middle + 1
        else:
            high = middle
    return low < keys.size and keys[low] == key


@njit(nogil=True, cache=True, inline="always")
def _dot(floats, a, x, b, y, k):  # type: ignore[no-untyped-def]
    # Summed in float64, then rounded once: the order of the sum no longer shows, and (a, b) forward is the same
    # number as (b, a) backward, so the score stays exactly symmetric.
    total = 0.0
    for j in range(k):
        total += np.float64(floats[a, x + j]) * np.float64(floats[b, y + j])
    return np.float32(total)


@njit(nogil=True, cache=True, inline="always")
def _targets(ints, row, first, width, job):  # type: ignore[no-untyped-def]
    # Whether `job` (−1: none) is one of the row's `width` columns from `first`.
    k = 0
    while k < width and ints[row, first + k] != job:
        k += 1
    return job >= 0 and k < width


@njit(nogil=True, cache=True, inline="always")
def _shares(ints, a, b, first, width):  # type: ignore[no-untyped-def]
    # Whether one of row a's `width` columns from `first` (≥ 0) is among row b's.
    for k in range(width):
        if ints[a, first + k] >= 0 and _targets(ints, b, first, width, ints[a, first + k]):
            return True
    return False


@njit(nogil=True, cache=True, inline="always")
def _recruits_for(ints, recruiter, other, wanted, width, held):  # type: ignore[no-untyped-def]
    # Whether one of the recruiter's `width` columns from `wanted` (≥ 0) is the other's column `held` (job or
    # domaine) or among the other's `width` columns from `wanted` (targets or their domaines).
    for k in range(width):
        value = ints[recruiter, wanted + k]
        if value >= 0 and (ints[other, held] == value or _targets(ints, other, wanted, width, value)):
            return True
    return False


@njit(nogil=True, cache=True, inline="always")
def _step_ahead(ints, mobility, keys, n_jobs, targets, width, behind, ahead):  # type: ignore[no-untyped-def]
    # How much `ahead` is a step ahead of `behind`: only from a later phase; the job `behind` targets held, else a
    # mobility link from one's job to the other's.
    phase = ints[behind, PHASE]
    if not (ints[ahead, PHASE] > phase and phase >= 0):
        return 0.0
    if _targets(ints, behind, targets, width, ints[ahead, JOB]):
        return STEP_AHEAD_TARGET
    if _is_mobility(mobility, keys, n_jobs, ints[behind, JOB], ints[ahead, JOB]):
        return STEP_AHEAD_MOBILITY
    return 0.0


@njit(nogil=True, cache=True)
def _kernel(ints, floats, width, words, rank, mobility, keys, n_jobs, m, c, fwd, bwd):  # type: ignore[no-untyped-def]
    targets = len(SCALARS)
    domains = targets + width
    sought = domains + width
    offered = sought + words
    for i in range(m.size):
        if i + PREFETCH_AHEAD < m.size:
            for row in (m[i + PREFETCH_AHEAD], c[i + PREFETCH_AHEAD]):
                _prefetch_row(ints, row)
                _prefetch_row(floats, row)
        a, b = m[i], c[i]

        sa, sb = ints[a, SITUATION], ints[b, SITUATION]
        fwd[i, 0] = bwd[i, 0] = 1.0 if sa == sb and sa >= 0 else 0.0
        pa, pb = ints[a, PHASE], ints[b, PHASE]
        fwd[i, 1] = bwd[i, 1] = 1.0 if pa == pb and pa >= 0 else 0.0

        fwd[i, 2] = _step_ahead(ints, mobility, keys, n_jobs, targets, width, a, b)
        bwd[i, 2] = _step_ahead(ints, mobility, keys, n_jobs, targets, width, b, a)

        ahead = 0
        behind = 0
        for k in range(words):
            ahead += _popcount(ints[a, sought + k], ints[b, offered + k])
            behind += _popcount(ints[b, sought + k], ints[a, offered + k])
        fwd[i, 3] = _ratio(ahead, floats[a, SOUGHT_COUNT])
        bwd[i, 3] = _ratio(behind, floats[b, SOUGHT_COUNT])

        # Recruiter ↔ candidate, only when exactly one side recruits: a recruited job held or targeted by the
        # other, else a recruited domaine.
        value = 0.0
        if (sa == RECRUITER) != (sb == RECRUITER):
            r, o = (b, a) if sb == RECRUITER else (a, b)
            if _recruits_for(ints, r, o, targets, width, JOB):
                value = RECRUITER_JOB
            elif _recruits_for(ints, r, o, domains, width, JOB_DOMAIN):
                value = RECRUITER_DOMAIN
        fwd[i, 4] = bwd[i, 4] = value

        # Job: the best of same job, a shared target, same domaine, a mobility link either way.
        ja, jb = ints[a, JOB], ints[b, JOB]
        value = 0.0
        da = ints[a, JOB_DOMAIN]
        if ja == jb and jb >= 0:
            value = JOB_SAME
        elif _shares(ints, a, b, targets, width):
            value = JOB_SHARED_TARGET
        elif da == ints[b, JOB_DOMAIN] and da >= 0:
            value = JOB_SAME_DOMAIN
        elif _is_mobility(mobility, keys, n_jobs, ja, jb) or _is_mobility(mobility, keys, n_jobs, jb, ja):
            value = JOB_MOBILITY
        fwd[i, 5] = bwd[i, 5] = value

        ea, eb = ints[a, SECTOR], ints[b, SECTOR]
        fwd[i, 6] = 1.0 if eb >= 0 and (eb == ea or eb == ints[a, TARGET_SECTOR]) else 0.0
        bwd[i, 6] = 1.0 if ea >= 0 and (ea == eb or ea == ints[b, TARGET_SECTOR]) else 0.0

        dot = _dot(floats, a, TEXT, b, TEXT + rank, rank)
        fwd[i, 7] = dot if dot > 0 else 0.0
        dot = _dot(floats, b, TEXT, a, TEXT + rank, rank)
        bwd[i, 7] = dot if dot > 0 else 0.0

        value = 0.0
        if ints[a, IN_PERSON] != 0 and ints[b, IN_PERSON] != 0:
            dep, dele = ints[a, DEPARTEMENT], ints[a, DELEGATION]
            if dep == ints[b, DEPARTEMENT] and dep >= 0:
                value = PLACE_DEPARTEMENT
            elif dele == ints[b, DELEGATION] and dele >= 0:
                value = PLACE_DELEGATION
        if ints[a, VIDEO] != 0 and ints[b, VIDEO] != 0:
            value = max(value, PLACE_VIDEO)
        fwd[i, 8] = bwd[i, 8] = value

        common = _popcount(ints[a, AVAILABILITY], ints[b, AVAILABILITY])
        fwd[i, 9] = _ratio(common, floats[a, AVAILABILITY_COUNT])
        bwd[i, 9] = _ratio(common, floats[b, AVAILABILITY_COUNT])


def pair_components(index: MatchingIndex, m: Rows, c: Rows) -> tuple[F32, F32]:
    """(len(m), N_COMPONENTS) float32 values of f(m[i] → c[i]) and f(c[i] → m[i]), components in `Weights` order."""
    m = np.ascontiguousarray(m, dtype=np.int64)
    c = np.ascontiguousarray(c, dtype=np.int64)
    if m.shape != c.shape or m.ndim != 1:
        raise ValueError("m and c must be 1-d arrays of the same length")
    records = packed_records(index)
    n = m.shape[0]
    # The kernel does not check bounds: a row past the tables would read garbage, not raise.
    if n and (min(int(m.min()), int(c.min())) < 0 or max(int(m.max()), int(c.max())) >= index.size):
        raise IndexError(f"pair rows must be in [0, {index.size})")
    mobility = (
        index.mobility_matrix if index.mobility_matrix is not None else np.zeros((0, 0), dtype=np.bool_)
    )
    fwd = np.empty((n, N_COMPONENTS), dtype=np.float32)
    bwd = np.empty((n, N_COMPONENTS), dtype=np.float32)
    _kernel(
        records.ints,
        records.floats,
        records.width,
        records.words,
        records.rank,
        np.ascontiguousarray(mobility),
        np.ascontiguousarray(index.mobility_keys, dtype=np.int64),
        index.n_jobs,
        m,
        c,
        fwd,
        bwd,
    )
    return fwd, bwd
