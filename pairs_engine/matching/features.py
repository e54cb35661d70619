"""Proxy scores for candidate generation: proxy(m, c) ≈ Σ w (f(m→c) + f(c→m)), the sum of both directions.

Two parts. The *dense* part covers the generic components (situation, phase, topics, text, sector, place,
availability): proxy_dense(m, c) = L[m] · R[c]. Symmetric components are one block whose L side carries twice the
weight; directional ones (topics, text) are two blocks, L = [q_m, k_m] and R = [k_c, q_c], so one inner product
holds both directions. A few codes are hashed into buckets: collisions only make the proxy optimistic, and every
candidate is re-scored exactly afterwards.

The *structured* part (step ahead, job proximity, recruiter ↔ candidate) depends on ROME codes and graph links,
which no small dense vector holds. It is computed exactly for a group of members sharing their current job and
phase (`structured_part`): a per-candidate column for what depends only on the group (mobility links, same job,
same domaine, candidates targeting the group's job), and a sparse product for what depends on each member's own
target jobs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from .index import RECRUITER, MatchingIndex
from .scoring import (
    JOB_MOBILITY,
    JOB_SAME,
    JOB_SAME_DOMAIN,
    JOB_SHARED_TARGET,
    PLACE_DELEGATION,
    PLACE_VIDEO,
    RECRUITER_DOMAIN,
    RECRUITER_JOB,
    STEP_AHEAD_MOBILITY,
    STEP_AHEAD_TARGET,
)
from .weights import Weights

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

TEXT_DIMS = 16
TOPIC_BUCKETS = 16
SECTOR_BUCKETS = 8
PLACE_BUCKETS = 8
DELEGATION_BUCKETS = 4


def _bucket(ids: I32, buckets: int) -> I32:
    hashed = (ids.astype(np.int64) * 2654435761) % (1 << 32) % buckets
    return hashed.astype(np.int32)


def _one_hot(ids: I32, buckets: int) -> F32:
    """Rows of a one-hot (or multi-hot, for 2-D `ids`) bucket matrix; -1 ids add nothing."""
    if ids.size == 0:
        return np.zeros((ids.shape[0], buckets), dtype=np.float32)
    ids2 = ids.reshape(ids.shape[0], -1)
    out = np.zeros((ids2.shape[0], buckets), dtype=np.float32)
    rows = np.repeat(np.arange(ids2.shape[0]), ids2.shape[1])
    flat = ids2.ravel()
    valid = flat >= 0
    out[rows[valid], _bucket(flat[valid], buckets)] = 1.0
    return out


def proxy_vectors(index: MatchingIndex, weights: Weights) -> tuple[F32, F32]:
    """(L, R), float32, C-contiguous, one row per indexed profile."""
    ix = index
    n = ix.size
    w = weights
    left: list[F32] = []
    right: list[F32] = []

    def sym(block_l: F32, block_r: F32, weight: float) -> None:
        if weight > 0:
            left.append(2.0 * weight * block_l)
            right.append(block_r)

    def directional(q: F32, k: F32, weight: float) -> None:
        if weight > 0:
            left.append(weight * q)
            left.append(weight * k)
            right.append(k)
            right.append(q)

    sit = _category(ix.situation.astype(np.int32), 4)
    sym(sit, sit, w.situation)
    phase = _category(ix.phase.astype(np.int32), 3)
    sym(phase, phase, w.phase)

    sought = _topic_bits(ix, ix.sought)
    offered = _topic_bits(ix, ix.offered)
    directional((sought / np.maximum(ix.sought_count, 1.0)[:, None]).astype(np.float32), offered, w.topics)

    sector_left = np.maximum(_one_hot(ix.sector, SECTOR_BUCKETS), _one_hot(ix.target_sector, SECTOR_BUCKETS))
    sym(sector_left, _one_hot(ix.sector, SECTOR_BUCKETS), w.sector)

    if ix.seek_vec.shape[1]:
        # The leading LSA directions carry most of the cosine; the exact re-scoring uses them all.
        rank = min(TEXT_DIMS, ix.seek_vec.shape[1])
        directional(ix.seek_vec[:, :rank], ix.offer_vec[:, :rank], w.text)

    ip = ix.in_person[:, None].astype(np.float32)
    vid = ix.video[:, None].astype(np.float32)
    dep = _one_hot(ix.departement, PLACE_BUCKETS) * ip
    dele = _one_hot(ix.delegation, DELEGATION_BUCKETS) * ip
    sym(
        np.concatenate([dep * (1.0 - PLACE_DELEGATION), dele * PLACE_DELEGATION, vid * PLACE_VIDEO], axis=1),
        np.concatenate([dep, dele, vid], axis=1),
        w.place,
    )

    slots = ((ix.availability[:, None] >> np.arange(15, dtype=np.int64)) & 1).astype(np.float32)
    slots /= np.sqrt(np.maximum(ix.availability_count, 1.0))[:, None]
    sym(slots, slots, w.availability)

    if not left:  # only a zero-rank text weight: nothing to embed, every proxy is 0
        return np.zeros((n, 1), dtype=np.float32), np.zeros((n, 1), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate(left, axis=1), dtype=np.float32), np.ascontiguousarray(
        np.concatenate(right, axis=1), dtype=np.float32
    )


def _category(values: I32, size: int) -> F32:
    out = np.zeros((values.shape[0], size), dtype=np.float32)
    valid = values >= 0
    out[np.flatnonzero(valid), values[valid]] = 1.0
    return out


def _topic_bits(ix: MatchingIndex, masks: npt.NDArray[np.uint64]) -> F32:
    n_topics = len(ix.topics.codes)
    out = np.zeros((masks.shape[0], TOPIC_BUCKETS), dtype=np.float32)
    for t in range(n_topics):
        present = ((masks[:, t // 64] >> np.uint64(t % 64)) & np.uint64(1)).astype(np.float32)
        col = t % TOPIC_BUCKETS
        out[:, col] = np.maximum(out[:, col], present)
    return out


def structured_part(
    index: MatchingIndex, weights: Weights, *, job: int, rows: I64, pool: I64
) -> tuple[F32, F32, sp.csr_matrix, sp.csr_matrix]:
    """Structured proxy for members `rows`, who all hold current job `job` (−1: none), against `pool`.

    Returns (left_extra (B, 5), right_extra (P, 5), targets_left (B, X) sparse, targets_right (X, P) sparse) with
    proxy_structured = left_extra @ right_extra.T + targets_left @ targets_right. Values add where the exact
    score takes a maximum, so the proxy can only be optimistic."""
    ix = index
    w = weights
    job_c = ix.job[pool]
    phase_c = ix.phase[pool]
    targets_c = ix.targets[pool]
    rec_c = ix.situation[pool] == RECRUITER
    nonrec_c = (ix.situation[pool] >= 0) & ~rec_c
    right_extra = np.zeros((pool.size, 5), dtype=np.float32)
    if job >= 0:
        out_links = np.asarray(ix.mobility_out[job], dtype=np.int32)
        in_links = np.asarray(ix.mobility_in[job], dtype=np.int32)
        mob_f = np.isin(job_c, out_links)
        mob_b = np.isin(job_c, in_links)
        targeted = (targets_c == job).any(axis=1)
        domain = int(ix.domain_of_job[job])
        job_value = np.maximum.reduce(
            [
                (job_c == job) * JOB_SAME,
                ((ix.job_domain[pool] == domain) & (domain >= 0)) * JOB_SAME_DOMAIN,
                (mob_f | mob_b) * JOB_MOBILITY,
            ]
        )
        right_extra[:, 0] = 2.0 * w.job * job_value
        behind_value = np.where(targeted, STEP_AHEAD_TARGET, mob_b * STEP_AHEAD_MOBILITY)
        for p in range(3):
            ahead = (phase_c > p) * mob_f * STEP_AHEAD_MOBILITY
            behind = ((phase_c >= 0) & (phase_c < p)) * behind_value
            right_extra[:, 1 + p] = w.step_ahead * (ahead + behind)
        rec_domain = (ix.target_domains[pool] == domain).any(axis=1) & (domain >= 0)
        right_extra[:, 4] = (
            2.0 * w.recruiter * rec_c * np.where(targeted, RECRUITER_JOB, rec_domain * RECRUITER_DOMAIN)
        )
    phase_m = ix.phase[rows]
    rec_m = ix.situation[rows] == RECRUITER
    nonrec_m = (ix.situation[rows] >= 0) & ~rec_m
    left_extra = np.zeros((rows.size, 5), dtype=np.float32)
    left_extra[:, 0] = 1.0
    known = phase_m >= 0
    left_extra[np.flatnonzero(known), 1 + phase_m[known]] = 1.0
    left_extra[:, 4] = nonrec_m

    # Member-specific part, over the distinct target jobs u of the group. Column blocks of width U:
    # 0..2 = a step ahead (one per member phase), 3 = shared target / recruiters hiring for it, 4 = recruiter members.
    targets_m = ix.targets[rows]
    distinct = np.unique(targets_m[targets_m >= 0])
    u_count = int(distinct.size)
    if u_count == 0:
        return (
            left_extra,
            right_extra,
            sp.csr_matrix((rows.size, 0), dtype=np.float32),
            sp.csr_matrix((0, pool.size), dtype=np.float32),
        )
    r_idx, t_idx = np.nonzero(targets_m >= 0)
    u_of = np.searchsorted(distinct, targets_m[r_idx, t_idx])
    ph = phase_m[r_idx].astype(np.int64)
    with_phase = ph >= 0
    recruiting_member = rec_m[r_idx]
    left_rows = np.concatenate([r_idx[with_phase], r_idx, r_idx[recruiting_member]])
    left_cols = np.concatenate(
        [
            ph[with_phase] * u_count + u_of[with_phase],
            3 * u_count + u_of,
            4 * u_count + u_of[recruiting_member],
        ]
    )
    targets_left = sp.csr_matrix(
        (np.ones(left_rows.size, dtype=np.float32), (left_rows, left_cols)), shape=(rows.size, 5 * u_count)
    )
    holds = np.flatnonzero(np.isin(job_c, distinct))
    u_hold = np.searchsorted(distinct, job_c[holds])
    c_idx, k_idx = np.nonzero(np.isin(targets_c, distinct))
    u_tgt = np.searchsorted(distinct, targets_c[c_idx, k_idx])
    data = [w.step_ahead * (phase_c[holds] > p) * STEP_AHEAD_TARGET for p in range(3)]
    rows_r = [p * u_count + u_hold for p in range(3)]
    cols_r = [holds, holds, holds]
    data += [
        2.0 * w.job * JOB_SHARED_TARGET + 2.0 * w.recruiter * rec_c[c_idx] * RECRUITER_JOB,
        2.0 * w.recruiter * nonrec_c[holds] * RECRUITER_JOB,
        2.0 * w.recruiter * nonrec_c[c_idx] * RECRUITER_JOB,
    ]
    rows_r += [3 * u_count + u_tgt, 4 * u_count + u_hold, 4 * u_count + u_tgt]
    cols_r += [c_idx, holds, c_idx]
    targets_right = sp.csr_matrix(
        (np.concatenate(data).astype(np.float32), (np.concatenate(rows_r), np.concatenate(cols_r))),
        shape=(5 * u_count, pool.size),
    )
    return left_extra, right_extra, targets_left, targets_right
