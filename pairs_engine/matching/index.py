"""The matching index: profiles turned into column arrays (codes as integers, sets as bit masks, texts as vectors)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .text import TextModel
from .types import PHASES, SITUATIONS, SLOTS, Profile, RomeGraph

ROME_CODE = re.compile(r"^[A-Z]\d{4}$")
MAX_TARGETS = 3
RECRUITER = SITUATIONS.index("recruiter")

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
F32 = npt.NDArray[np.float32]
B = npt.NDArray[np.bool_]


class _Vocabulary:
    def __init__(self) -> None:
        self.codes: list[str] = []
        self.ids: dict[str, int] = {}

    def id(self, code: str | None) -> int:
        if code is None or code == "":
            return -1
        found = self.ids.get(code)
        if found is None:
            found = len(self.codes)
            self.ids[code] = found
            self.codes.append(code)
        return found


@dataclass
class MatchingIndex:
    """Column arrays over the indexed profiles (row i ↔ ids[i]). Build it with `build_index`."""

    ids: I64
    row_of: dict[int, int]
    profiles: tuple[Profile, ...]
    rome: RomeGraph
    situation: npt.NDArray[np.int8]
    phase: npt.NDArray[np.int8]
    departement: I32
    delegation: I32
    job: I32
    job_domain: I32
    targets: I32  # (n, 3), -1 = none
    target_domains: I32
    sector: I32
    target_sector: I32
    sought: U64  # (n, words) topic bit masks
    offered: U64
    sought_count: npt.NDArray[np.float32]
    availability: npt.NDArray[np.int64]  # bit mask over SLOTS
    availability_count: npt.NDArray[np.float32]
    in_person: B
    video: B
    recommendable: B
    seek_vec: F32  # (n, rank) LSA vectors of « ce que je cherche »
    offer_vec: F32
    text_model: TextModel
    jobs: _Vocabulary
    domains: _Vocabulary
    topics: _Vocabulary
    places: _Vocabulary
    delegations: _Vocabulary
    sectors: _Vocabulary
    mobility_keys: I64  # sorted from * n_jobs + to
    domain_of_job: I32  # per job id (+ a trailing −1 for "none")
    mobility_out: list[list[int]]
    mobility_in: list[list[int]]
    notes: list[str] = field(default_factory=list)
    # Dense (n_jobs + 1)² lookup of mobility links when it is small (≤ 25 MB), else None (binary search).
    mobility_matrix: B | None = field(default=None, repr=False)
    # Proxy matrices per weights (see features.py), computed on first use.
    proxy_cache: dict[tuple[float, ...], Any] = field(default_factory=dict, repr=False)
    # Inverted lists for on-demand lookups (candidates.RelatedLists), built on first use.
    related_cache: list[object] = field(default_factory=list, repr=False)
    # Per-row attributes packed for pair scoring (score_kernel.packed_records), built on first use.
    records_cache: list[object] = field(default_factory=list, repr=False)

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    @property
    def n_jobs(self) -> int:
        return len(self.jobs.codes)

    def job_label(self, job_id: int) -> str:
        code = self.jobs.codes[job_id]
        label = self.rome.job_labels.get(code)
        return f"{label} ({code})" if label else code

    def is_mobility(self, source: npt.NDArray[np.int32], target: npt.NDArray[np.int32]) -> B:
        """Whether a ROME mobility link leads from `source` to `target` (arrays of job ids, -1 = none)."""
        if self.mobility_matrix is not None:
            # Row and column −1 are the trailing "none", always False.
            found_dense: B = self.mobility_matrix[source, target]
            return found_dense
        keys = source.astype(np.int64) * self.n_jobs + target.astype(np.int64)
        if self.mobility_keys.size == 0:
            return np.zeros(keys.shape, dtype=np.bool_)
        positions = np.searchsorted(self.mobility_keys, keys)
        positions = np.minimum(positions, self.mobility_keys.size - 1)
        found: B = (self.mobility_keys[positions] == keys) & (source >= 0) & (target >= 0)
        return found


def build_index(
    profiles: Sequence[Profile],
    *,
    rome: RomeGraph,
    text_rank: int = 24,
    seed: int = 0,
) -> MatchingIndex:
    """Index `profiles` for matching. Duplicate ids keep their first profile; odd values are noted, never fatal."""
    notes: list[str] = []
    seen: dict[int, int] = {}
    kept: list[Profile] = []
    for profile in profiles:
        if profile.id in seen:
            continue
        seen[profile.id] = len(kept)
        kept.append(profile)
    if len(kept) != len(profiles):
        notes.append(f"{len(profiles) - len(kept)} profil(s) en double ignoré(s).")
    n = len(kept)

    jobs, domains, topics = _Vocabulary(), _Vocabulary(), _Vocabulary()
    places, delegations, sectors = _Vocabulary(), _Vocabulary(), _Vocabulary()
    # ROME codes of the graph first, so that the mobility links get ids.
    for source, target in sorted(rome.mobility):
        jobs.id(source)
        jobs.id(target)

    situation_ids = {name: i for i, name in enumerate(SITUATIONS)}
    phase_ids = {name: i for i, name in enumerate(PHASES)}
    slot_bits = {slot: 1 << i for i, slot in enumerate(SLOTS)}

    situation = np.fromiter((situation_ids.get(p.situation, -1) for p in kept), np.int8, n)
    phase = np.fromiter((phase_ids.get(p.phase, -1) for p in kept), np.int8, n)
    departement = np.fromiter((places.id(p.departement) for p in kept), np.int32, n)
    delegation = np.fromiter((delegations.id(p.delegation) for p in kept), np.int32, n)
    job = np.fromiter((jobs.id(_clean_code(p.current_job)) for p in kept), np.int32, n)
    targets = np.full((n, MAX_TARGETS), -1, dtype=np.int32)
    for row, p in enumerate(kept):
        codes = [c for c in dict.fromkeys(_clean_code(t) for t in p.target_jobs) if c][:MAX_TARGETS]
        for k, code in enumerate(codes):
            targets[row, k] = jobs.id(code)
    sector = np.fromiter((sectors.id(p.sector) for p in kept), np.int32, n)
    target_sector = np.fromiter((sectors.id(p.target_sector) for p in kept), np.int32, n)
    for p in kept:
        for slug in sorted(p.topics_sought | p.topics_offered):
            topics.id(slug)
    words = max(1, (len(topics.codes) + 63) // 64)
    sought = np.zeros((n, words), dtype=np.uint64)
    offered = np.zeros((n, words), dtype=np.uint64)
    for row, p in enumerate(kept):
        for slug in p.topics_sought:
            t = topics.ids[slug]
            sought[row, t // 64] |= np.uint64(1 << (t % 64))
        for slug in p.topics_offered:
            t = topics.ids[slug]
            offered[row, t // 64] |= np.uint64(1 << (t % 64))
    sought_count = np.bitwise_count(sought).sum(axis=1).astype(np.float32)
    availability = np.fromiter((sum(slot_bits.get(s, 0) for s in p.availability) for p in kept), np.int64, n)
    availability_count = np.bitwise_count(availability).astype(np.float32)
    in_person = np.fromiter((bool(p.in_person) for p in kept), np.bool_, n)
    video = np.fromiter((bool(p.video) for p in kept), np.bool_, n)
    recommendable = np.fromiter((bool(p.recommendable) for p in kept), np.bool_, n)

    # Domaine = the first three characters of a well-formed ROME code; an odd code has none.
    domain_of_job = np.array(
        [domains.id(code[:3]) if ROME_CODE.match(code) else -1 for code in jobs.codes] + [-1], dtype=np.int32
    )
    job_domain = domain_of_job[job]  # -1 indexes the trailing "none"
    target_domains = domain_of_job[targets]
    unknown = sorted({c for c in jobs.codes if not ROME_CODE.match(c)})
    if unknown:
        notes.append(
            f"Codes métier non reconnus (pris tels quels, sans domaine) : {', '.join(unknown[:10])}."
        )
    unknown_situations = sorted({p.situation for p in kept if p.situation not in situation_ids})
    if unknown_situations:
        notes.append(f"Situations inconnues (ne correspondent à rien) : {', '.join(unknown_situations)}.")

    n_jobs = len(jobs.codes)
    mobility_out: list[list[int]] = [[] for _ in range(n_jobs)]
    mobility_in: list[list[int]] = [[] for _ in range(n_jobs)]
    keys = []
    for source, target in rome.mobility:
        s, t = jobs.ids[source], jobs.ids[target]
        mobility_out[s].append(t)
        mobility_in[t].append(s)
        keys.append(s * n_jobs + t)
    mobility_keys = np.unique(np.asarray(keys, dtype=np.int64))
    mobility_matrix = None
    if n_jobs <= 5000:
        mobility_matrix = np.zeros((n_jobs + 1, n_jobs + 1), dtype=np.bool_)
        if mobility_keys.size:
            mobility_matrix[mobility_keys // n_jobs, mobility_keys % n_jobs] = True

    texts = [p.seeking_text or "" for p in kept] + [p.offering_text or "" for p in kept]
    model, vectors = TextModel.fit_transform(texts, rank=text_rank, seed=seed)

    return MatchingIndex(
        ids=np.fromiter((p.id for p in kept), np.int64, n),
        row_of=seen,
        profiles=tuple(kept),
        rome=rome,
        situation=situation,
        phase=phase,
        departement=departement,
        delegation=delegation,
        job=job,
        job_domain=job_domain.astype(np.int32),
        targets=targets,
        target_domains=target_domains.astype(np.int32),
        sector=sector,
        target_sector=target_sector,
        sought=sought,
        offered=offered,
        sought_count=sought_count,
        availability=availability,
        availability_count=availability_count,
        in_person=in_person,
        video=video,
        recommendable=recommendable,
        seek_vec=np.ascontiguousarray(vectors[:n]),
        offer_vec=np.ascontiguousarray(vectors[n:]),
        text_model=model,
        jobs=jobs,
        domains=domains,
        topics=topics,
        places=places,
        delegations=delegations,
        sectors=sectors,
        mobility_keys=mobility_keys,
        domain_of_job=domain_of_job,
        mobility_out=mobility_out,
        mobility_in=mobility_in,
        notes=notes,
        mobility_matrix=mobility_matrix,
    )


def _clean_code(code: str | None) -> str | None:
    if code is None:
        return None
    cleaned = code.strip().upper()
    return cleaned or None


def topic_mask(index: MatchingIndex, slugs: Iterable[str]) -> U64:
    """Bit mask of known topics (unknown slugs cannot match anybody and are dropped)."""
    mask = np.zeros(index.sought.shape[1], dtype=np.uint64)
    for slug in slugs:
        t = index.topics.ids.get(slug)
        if t is not None:
            mask[t // 64] |= np.uint64(1 << (t % 64))
    return mask
