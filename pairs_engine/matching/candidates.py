"""Candidate generation: the best proxy scores per member, by blocked float32 matrix products.

Members are grouped by current job — or first target job, or situation when they have no job — so the
structured part of the proxy is exact for the whole group (features.structured_part). Small indexes scan every
group against everybody. Large ones block on the ROME structure: a group is scanned against a pool of related
candidates (same job and members targeting it; then holders of the group's target jobs, most wanted first, while
the pool stays near `pool_size`; then ROME mobility neighbours; then the same domaine). Target jobs left out of a
group's pool get a second pass: the members wanting them against the people who hold or target them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import numpy as np
import numpy.typing as npt

from .features import STRUCTURED_SLOTS, ProxyMatrices, structured_part
from .index import RECRUITER, MatchingIndex
from .pair_lists import unique_pairs
from .scan_kernel import best_per_row
from .score_kernel import JOB_SAME_DOMAIN, RECRUITER_DOMAIN
from .weights import Weights

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]

BRUTE_FORCE_MAX = 40_000  # at or below this many rows, every group is scanned against everybody
QUERY_BLOCK = 256


class _Inverted:
    """Recommendable rows listed by an integer key (CSR): rows(key) in O(1)."""

    def __init__(self, keys: I32, rows: I64, size: int) -> None:
        valid = keys >= 0
        keys64 = keys[valid].astype(np.int64)
        rows = rows[valid]
        order = np.argsort(keys64, kind="stable")
        self.rows = rows[order]
        self.starts = np.searchsorted(keys64[order], np.arange(size + 1))

    def get(self, keys: npt.ArrayLike) -> I64:
        limit = self.starts.size - 1
        wanted = sorted({int(k) for k in np.asarray(keys, dtype=np.int64).ravel().tolist() if 0 <= k < limit})
        if not wanted:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([self.rows[self.starts[k] : self.starts[k + 1]] for k in wanted])


def exclusion_lists(
    index: MatchingIndex, exclude: Mapping[int, set[int] | frozenset[int]] | None
) -> dict[int, I64]:
    """Excluded candidate rows per member row (ids unknown to the index are ignored)."""
    out: dict[int, I64] = {}
    if not exclude:
        return out
    for member_id, ids in exclude.items():
        row = index.row_of.get(member_id)
        if row is None:
            continue
        rows = [index.row_of[i] for i in ids if i in index.row_of]
        if rows:
            out[row] = np.asarray(rows, dtype=np.int64)
    return out


def scan(
    index: MatchingIndex,
    weights: Weights,
    proxy: ProxyMatrices,
    *,
    job: int,
    query_rows: I64,
    pool: I64,
    per_member: int,
    excluded: dict[int, I64],
    pool_right: tuple[F32, F32] | None = None,
) -> tuple[I32, I32]:
    """Top `per_member` pool rows by proxy for each query row (self and excluded rows removed).

    The proxy of each direction is computed (QF · RF for m → c, QB · RB for c → m, plus the structured part) and
    combined by the harmonic mean, as the exact score is: a candidate good for one side only ranks low here too.
    All `query_rows` share current job `job` (−1: none). Returns (query_rows, candidate_rows)."""
    if query_rows.size == 0 or pool.size == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    structured = structured_part(index, weights, job=job, rows=query_rows, pool=pool)
    # The group's structured columns ride along in the same matrix products, in the proxy's zero slots.
    slots = slice(proxy.rf.shape[1] - STRUCTURED_SLOTS, None)
    rf_pool = proxy.rf[pool] if pool_right is None else pool_right[0].copy()
    rb_pool = proxy.rb[pool] if pool_right is None else pool_right[1].copy()
    rf_pool[:, slots] = structured.right
    rb_pool[:, slots] = structured.right
    rf_t, rb_t = rf_pool.T, rb_pool.T
    position = np.full(index.size, -1, dtype=np.int64)
    position[pool] = np.arange(pool.size)
    no_exclusions = np.zeros(QUERY_BLOCK + 1, dtype=np.int64)
    out_q: list[I32] = []
    out_c: list[I32] = []
    for start in range(0, query_rows.size, QUERY_BLOCK):
        block = query_rows[start : start + QUERY_BLOCK]
        stop = start + block.size
        left_forward, left_backward = proxy.qf[block], proxy.qb[block]
        left_forward[:, slots] = structured.left_fwd[start:stop]
        left_backward[:, slots] = structured.left_bwd[start:stop]
        excluded_ptr, excluded_idx = _excluded_positions(block, position, excluded, no_exclusions)
        q, c = best_per_row(
            left_forward @ rf_t,
            left_backward @ rb_t,
            structured.target_rows(start, stop),
            rows=block,
            pool=pool,
            self_pos=position[block],
            excluded_ptr=excluded_ptr,
            excluded_idx=excluded_idx,
            keep=per_member,
        )
        out_q.append(q)
        out_c.append(c)
    return np.concatenate(out_q), np.concatenate(out_c)


def _excluded_positions(block: I64, position: I64, excluded: dict[int, I64], none: I64) -> tuple[I64, I64]:
    """Pool positions each row of `block` must not get, as (pointers, positions)."""
    if not excluded:
        return none[: block.size + 1], none[:0]
    parts = []
    for row in block.tolist():
        rows = excluded.get(row)
        found = position[rows] if rows is not None else none[:0]
        parts.append(found[found >= 0])
    pointers = np.zeros(block.size + 1, dtype=np.int64)
    np.cumsum([part.size for part in parts], out=pointers[1:])
    return pointers, np.concatenate(parts).astype(np.int64)


def harmonic_proxy(forward: F32, backward: F32) -> F32:
    """f b / (f + b) of the directional proxies (negative parts clipped; half the harmonic mean, which ranks the
    same), computed in place in `forward`. For one member on demand; a scan computes the same in its kernel."""
    np.maximum(forward, 0.0, out=forward)
    np.maximum(backward, 0.0, out=backward)
    denominator = np.add(forward, backward)
    np.maximum(denominator, 1e-9, out=denominator)
    forward *= backward
    forward /= denominator
    return forward


def blocked_candidates(
    index: MatchingIndex,
    weights: Weights,
    proxy: ProxyMatrices,
    *,
    query_rows: I64,
    per_member: int,
    pool_size: int,
    excluded: dict[int, I64],
    timings: dict[str, float] | None = None,
    threads: int = 1,
) -> tuple[I32, I32]:
    """Candidate pairs for `query_rows`, each pair once (`timings`, if given, receives the seconds per pass).

    Pass 1 groups members by current job (else first target job, else situation) and scans each group against
    everybody (small index) or its ROME-related pool. Pass 2 (large index) covers the target jobs a group's pool
    left out: members are grouped by such a target job and scanned against the people who hold or target it."""
    ix = index
    recommendable = np.flatnonzero(ix.recommendable).astype(np.int64)
    n_jobs = max(ix.n_jobs, 1)
    first_target = ix.targets[:, 0].astype(np.int64)
    base = np.where(
        ix.job >= 0,
        ix.job.astype(np.int64),
        np.where(first_target >= 0, n_jobs + first_target, 2 * n_jobs + 1 + ix.situation.astype(np.int64)),
    )
    small = ix.size <= BRUTE_FORCE_MAX
    pools = None if small else _Pools(ix, recommendable)
    everybody = (
        (np.ascontiguousarray(proxy.rf[recommendable]), np.ascontiguousarray(proxy.rb[recommendable]))
        if small
        else None
    )
    # Pairs as int32 rows; at most 2 × threads scans in flight, so pools and score blocks do not pile up.
    # Results are kept by submission number, so the output order does not depend on which thread ends first.
    pending: dict[Future[tuple[I32, I32]], int] = {}
    done_pairs: dict[int, tuple[I32, I32]] = {}

    def collect(limit: int) -> None:
        while len(pending) > limit:
            finished, _running = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                done_pairs[pending.pop(future)] = future.result()

    left_out_q: list[I64] = []
    left_out_t: list[I64] = []
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as executor:

        def submit(
            rows: I64, pool: I64, job: int, keep: int, pool_right: tuple[F32, F32] | None = None
        ) -> None:
            # Pools are built here, in order (they share scratch arrays); scans run in the threads (numpy
            # releases the GIL in matrix products, partitions and element-wise loops).
            collect(2 * max(threads, 1))
            future = executor.submit(
                scan,
                ix,
                weights,
                proxy,
                job=job,
                query_rows=rows,
                pool=pool,
                per_member=keep,
                excluded=excluded,
                pool_right=pool_right,
            )
            pending[future] = len(pending) + len(done_pairs)

        clock = time.perf_counter()
        for rows, key in _groups(query_rows, base[query_rows]):
            job = key if key < n_jobs else -1
            if pools is None:
                submit(rows, recommendable, job, per_member, everybody)
                continue
            pool, covered = pools.pool(ix, rows=rows, base=key, pool_size=pool_size)
            targets = ix.targets[rows]
            missing = (targets >= 0) & ~np.isin(targets, covered)
            r_idx, t_idx = np.nonzero(missing)
            left_out_q.append(rows[r_idx])
            left_out_t.append(targets[r_idx, t_idx].astype(np.int64))
            submit(rows, pool, job, per_member)
        if pools is not None:
            # Peers: the same situation and phase, and the same domaine whatever their job; then, in the same
            # situation and phase, the seekers of a topic against those who offer it.
            for (q_rows, q_keys), (p_rows, p_keys), keep in _peer_joins(
                ix, query_rows, recommendable, per_member
            ):
                order = np.argsort(p_keys, kind="stable")
                sorted_pool, sorted_keys = p_rows[order], p_keys[order]
                for rows, key in _groups(q_rows, q_keys):
                    start, stop = np.searchsorted(sorted_keys, [key, key + 1])
                    if key < 0 or start == stop:
                        continue
                    job = int(ix.job[rows[0]]) if (ix.job[rows] == ix.job[rows[0]]).all() else -1
                    submit(rows, sorted_pool[start:stop], job, keep)
        if pools is not None and left_out_q:
            members = np.concatenate(left_out_q)
            wanted = np.concatenate(left_out_t)
            for rows, target in _groups(members, wanted):
                submit(rows, pools.holders(target), -1, max(per_member // 2, 20))
        collect(0)
    _lap(timings, "scans", clock)
    if not done_pairs:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    q = np.concatenate([done_pairs[i][0] for i in range(len(done_pairs))])
    c = np.concatenate([done_pairs[i][1] for i in range(len(done_pairs))])
    done_pairs.clear()
    if pools is not None:
        # A pair may come from several passes: keep it once.
        q, c = unique_pairs(q, c, ix.size)
    return q, c


Join = tuple[tuple[I64, I64], tuple[I64, I64], int]


def _peer_joins(ix: MatchingIndex, query_rows: I64, recommendable: I64, per_member: int) -> list[Join]:
    """Peer passes as key joins ((query rows, their keys), (pool rows, their keys), kept per member); −1: no key.

    (situation, phase, domaine): half of `per_member`. Then, in the same situation and phase, each topic a
    member seeks against the members who offer it (a member is in one group per topic sought): a quarter of
    `per_member` per topic. At 300,000 members the exact top-20 still missed without it were mostly such
    peers — same situation and phase, another domaine, sector and département, all the topics they seek
    offered: recall@20 0.951 → 0.981 (passes by sector and by département instead: 0.974 for more time)."""
    known = (ix.situation >= 0) & (ix.phase >= 0)
    sit_phase = ix.situation.astype(np.int64) * 3 + ix.phase.astype(np.int64)
    joins: list[Join] = []
    n_domains = len(ix.domains.codes)
    key = np.where(
        known & (ix.job_domain >= 0), sit_phase * (n_domains + 1) + ix.job_domain.astype(np.int64), -1
    )
    joins.append(((query_rows, key[query_rows]), (recommendable, key[recommendable]), per_member // 2))
    n_topics = len(ix.topics.codes)

    def exploded(rows: I64, masks: npt.NDArray[np.uint64]) -> tuple[I64, I64]:
        parts_rows, parts_keys = [], []
        for t in range(n_topics):
            bit = ((masks[rows, t // 64] >> np.uint64(t % 64)) & np.uint64(1)).astype(np.bool_)
            chosen = rows[bit & known[rows]]
            parts_rows.append(chosen)
            parts_keys.append(sit_phase[chosen] * n_topics + t)
        if not parts_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(parts_rows), np.concatenate(parts_keys)

    if n_topics:
        joins.append((exploded(query_rows, ix.sought), exploded(recommendable, ix.offered), per_member // 4))
    return joins


def _lap(timings: dict[str, float] | None, name: str, since: float) -> None:
    if timings is not None:
        timings[name] = time.perf_counter() - since


def _groups(rows: I64, keys: I64) -> list[tuple[I64, int]]:
    order = np.argsort(keys, kind="stable")
    sorted_rows, sorted_keys = rows[order], keys[order]
    bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
    return [
        (sorted_rows[group], int(sorted_keys[group[0]]))
        for group in np.split(np.arange(sorted_rows.size), bounds)
        if group.size
    ]


class _Pools:
    """Candidate pools of groups, from inverted lists over recommendable rows."""

    def __init__(self, ix: MatchingIndex, recommendable: I64) -> None:
        self.all = recommendable
        rec_rows = recommendable
        self.n_jobs = n_jobs = max(ix.n_jobs, 1)
        self.by_job = _Inverted(ix.job[rec_rows], rec_rows, n_jobs)
        flat_targets = ix.targets[rec_rows].ravel()
        target_rows = np.repeat(rec_rows, ix.targets.shape[1])
        self.by_target = _Inverted(flat_targets, target_rows, n_jobs)
        n_domains = max(len(ix.domains.codes), 1)
        self.by_domain = _Inverted(ix.job_domain[rec_rows], rec_rows, n_domains)
        self.by_situation = _Inverted(ix.situation[rec_rows].astype(np.int32), rec_rows, 4)
        self.mark = np.zeros(ix.size, dtype=np.bool_)
        # holders() has its own scratch array: pool() keeps its partial pool in `mark` while calling it.
        self.scratch = np.zeros(ix.size, dtype=np.bool_)

    def holders(self, target: int) -> I64:
        """People who hold `target` (a step ahead, or hired by a recruiter) or aim at it (shared goal)."""
        return self._union([self.by_job.get([target]), self.by_target.get([target])])

    def _union(self, parts: list[I64]) -> I64:
        mark = self.scratch
        for part in parts:
            mark[part] = True
        pool = np.flatnonzero(mark).astype(np.int64)
        mark[pool] = False
        return pool

    def pool(self, ix: MatchingIndex, *, rows: I64, base: int, pool_size: int) -> tuple[I64, I64]:
        """(pool, target jobs whose holders it includes) for a group keyed by `base`."""
        n_jobs = self.n_jobs
        if base >= 2 * n_jobs + 1:
            situation = base - 2 * n_jobs - 1
            # No job at all: the same situation (unknown situation: everybody).
            pool = self.by_situation.get([situation]) if situation >= 0 else self.all
            return pool, np.zeros(0, dtype=np.int64)
        flat = ix.targets[rows].ravel()
        flat = flat[flat >= 0].astype(np.int64)
        # The group's target jobs, most wanted first.
        codes, counts = np.unique(flat, return_counts=True)
        targets = codes[np.argsort(-counts, kind="stable")]
        if base < n_jobs:
            own = np.asarray([base], dtype=np.int64)
            neighbours = np.asarray(ix.mobility_out[base] + ix.mobility_in[base], dtype=np.int64)
            domains = ix.domain_of_job[own]
        else:
            own = np.asarray([base - n_jobs], dtype=np.int64)  # the shared first target job
            neighbours = np.asarray(ix.mobility_in[base - n_jobs], dtype=np.int64)
            domains = ix.domain_of_job[own]
        mark = self.mark
        core = (
            [self.by_job.get(own), self.by_target.get(own)] if base < n_jobs else [self.holders(int(own[0]))]
        )
        for part in core:
            mark[part] = True
        size = int(mark.sum())
        covered = [] if base < n_jobs else [int(own[0])]
        # Holders of the group's targets, most wanted first, while the pool stays near its budget.
        for target in targets.tolist():
            if target in covered:
                continue
            part = self.holders(target)
            if size + part.size > pool_size and covered:
                break
            mark[part] = True
            size = int(mark.sum())
            covered.append(target)
        for tier in (self.by_job.get(neighbours), self.by_domain.get(domains[domains >= 0])):
            if size + tier.size > 1.5 * pool_size:
                break
            mark[tier] = True
            size = int(mark.sum())
        pool = np.flatnonzero(mark).astype(np.int64)
        mark[pool] = False
        return pool, np.asarray(covered, dtype=np.int64)


class RelatedLists:
    """Rows a member has a ROME relation with, from inverted lists over recommendable rows (on-demand lookups).

    `strong(row)`: holders and seekers of the member's job and target jobs, and ROME mobility neighbours — the
    only rows where a step ahead, the same job, a shared target, a mobility link or a recruiter hiring for a
    precise job can score. Outside them a pair's ROME-dependent part is at most "same domaine" and "recruits
    in your domaine", which `weak_bonus` adds exactly to the dense proxy."""

    def __init__(self, ix: MatchingIndex) -> None:
        rec = np.flatnonzero(ix.recommendable).astype(np.int64)
        n_jobs = max(ix.n_jobs, 1)
        n_domains = max(len(ix.domains.codes), 1)
        width = ix.targets.shape[1]
        self.by_job = _Inverted(ix.job[rec], rec, n_jobs)
        self.by_target = _Inverted(ix.targets[rec].ravel(), np.repeat(rec, width), n_jobs)
        recruiters = rec[ix.situation[rec] == RECRUITER]
        self.recruiters_by_target_domain = _Inverted(
            ix.target_domains[recruiters].ravel(), np.repeat(recruiters, width), n_domains
        )
        self.mark = np.zeros(ix.size, dtype=np.bool_)

    def strong(self, ix: MatchingIndex, row: int) -> I64:
        job = int(ix.job[row])
        jobs = ([job] if job >= 0 else []) + [int(t) for t in ix.targets[row] if t >= 0]
        parts = [self.by_job.get(jobs), self.by_target.get(jobs)]
        if job >= 0:
            parts.append(self.by_job.get(ix.mobility_out[job] + ix.mobility_in[job]))
        mark = self.mark
        for part in parts:
            mark[part] = True
        rows = np.flatnonzero(mark).astype(np.int64)
        mark[rows] = False
        return rows

    def weak_bonus(self, ix: MatchingIndex, row: int, weights: Weights) -> F32:
        """Per row, the proxy value (both directions) of "same domaine" and "recruits in your domaine"."""
        bonus = np.zeros(ix.size, dtype=np.float32)
        domain = int(ix.job_domain[row])
        if domain >= 0 and weights.job > 0:
            bonus += (ix.job_domain == domain) * np.float32(2.0 * weights.job * JOB_SAME_DOMAIN)
        if weights.recruiter <= 0:
            return bonus
        value = np.float32(2.0 * weights.recruiter * RECRUITER_DOMAIN)
        if ix.situation[row] == RECRUITER:
            wanted = np.asarray([d for d in ix.target_domains[row] if d >= 0], dtype=np.int32)
            if wanted.size:
                hit = np.isin(ix.job_domain, wanted) | np.isin(ix.target_domains, wanted).any(axis=1)
                bonus += (hit & (ix.situation != RECRUITER)) * value
        else:
            own = [int(d) for d in [ix.job_domain[row], *ix.target_domains[row]] if d >= 0]
            if own:
                bonus[np.unique(self.recruiters_by_target_domain.get(own))] += value
        return bonus


def related_lists(index: MatchingIndex) -> RelatedLists:
    if not index.related_cache:
        index.related_cache.append(RelatedLists(index))
    found = index.related_cache[0]
    assert isinstance(found, RelatedLists)
    return found
