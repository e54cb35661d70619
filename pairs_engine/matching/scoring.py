"""The exact blended score of a pair, vectorised over arrays of pairs, and its French reasons.

Every component f(m → c) ∈ [0, 1] says how good candidate c is *for* member m; the directional score is
s(m → c) = Σ wᵢ fᵢ / Σ wᵢ, and a suggestion's score is the harmonic mean of s(m → c) and s(c → m).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import numpy.typing as npt

from .index import RECRUITER, MatchingIndex
from .types import DAY_PARTS, DAYS, PHASES, SITUATIONS, SLOTS, Reason
from .weights import Weights

COMPONENTS: tuple[str, ...] = tuple(item.name for item in fields(Weights))
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.signedinteger[Any]]  # row indices, int32 or int64

# Values of the graded components.
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
TEXT_REASON_MIN = 0.2  # below this cosine, texts are not cited as a reason

SITUATION_LABELS = {
    "employed": "cadre en poste",
    "job_seeker": "cadre en recherche d'emploi",
    "graduate": "jeune diplômé·e",
    "recruiter": "recruteur·rice",
}
PHASE_LABELS = {"preparation": "préparation", "transition": "transition", "integration": "intégration"}
_DAY = dict(DAYS)
_PART = dict(DAY_PARTS)


def weight_vector(weights: Weights) -> F32:
    return np.asarray([getattr(weights, name) for name in COMPONENTS], dtype=np.float32)


def components(index: MatchingIndex, m: Rows, c: Rows) -> F32:
    """(len(m), len(COMPONENTS)) values of f(m[i] → c[i])."""
    return components_both(index, m, c)[0]


class Side:
    """The attributes of one side of many pairs, read from two packed tables.

    Scoring reads some twenty attributes per person; gathered one array at a time, that is twenty random reads
    per candidate, which took most of the re-scoring time. Packed per row (integers, then floats), each side
    costs two reads; each attribute is then a contiguous row of the transposed gather."""

    def __init__(self, index: MatchingIndex, rows: Rows) -> None:
        ints, floats, words, text = _records(index)
        packed = np.ascontiguousarray(ints[rows].T)
        (
            self.situation,
            self.phase,
            self.job,
            self.job_domain,
            self.sector,
            self.target_sector,
            self.departement,
            self.delegation,
            in_person,
            video,
            self.availability,
        ) = packed[:_SCALARS]
        self.in_person, self.video = in_person != 0, video != 0
        width = index.targets.shape[1]
        self.targets = packed[_SCALARS : _SCALARS + width].T
        self.target_domains = packed[_SCALARS + width : _SCALARS + 2 * width].T
        self.sought = packed[_SCALARS + 2 * width : _SCALARS + 2 * width + words].T
        self.offered = packed[_SCALARS + 2 * width + words :].T
        real = floats[rows]
        self.sought_count, self.availability_count = real[:, 0], real[:, 1]
        self.seek_vec, self.offer_vec = real[:, 2 : 2 + text], real[:, 2 + text :]


_SCALARS = 11


def _records(index: MatchingIndex) -> tuple[npt.NDArray[np.int32], F32, int, int]:
    """(int32 table, float32 table, int32 words per topic mask, text rank), built once per index."""
    if not index.records_cache:
        ix = index
        # Topic masks as int32 halves: popcounts of their ANDs add up to the uint64 ones.
        sought = np.ascontiguousarray(ix.sought).view(np.int32)
        offered = np.ascontiguousarray(ix.offered).view(np.int32)
        scalars: list[npt.NDArray[np.generic]] = [
            ix.situation,
            ix.phase,
            ix.job,
            ix.job_domain,
            ix.sector,
            ix.target_sector,
            ix.departement,
            ix.delegation,
            ix.in_person,
            ix.video,
            ix.availability,
        ]
        ints = np.column_stack(
            [
                np.column_stack([a.astype(np.int32) for a in scalars]),
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
            (np.ascontiguousarray(ints), floats, sought.shape[1], ix.seek_vec.shape[1])
        )
    found = index.records_cache[0]
    assert isinstance(found, tuple)
    return found


def components_both(index: MatchingIndex, m: Rows, c: Rows) -> tuple[F32, F32]:
    """Values of f(m[i] → c[i]) and f(c[i] → m[i]), sharing the work of both directions."""
    ix = index
    n = m.shape[0]
    fwd = np.zeros((n, len(COMPONENTS)), dtype=np.float32)
    bwd = np.zeros((n, len(COMPONENTS)), dtype=np.float32)
    mine, theirs = Side(ix, m), Side(ix, c)
    sit_m, sit_c = mine.situation, theirs.situation
    ph_m, ph_c = mine.phase, theirs.phase
    fwd[:, 0] = bwd[:, 0] = (sit_m == sit_c) & (sit_m >= 0)
    fwd[:, 1] = bwd[:, 1] = (ph_m == ph_c) & (ph_m >= 0)

    job_m, job_c = mine.job, theirs.job
    tg_m, tg_c = mine.targets, theirs.targets
    mob_mc = ix.is_mobility(job_m, job_c)
    mob_cm = ix.is_mobility(job_c, job_m)
    # Step ahead, each way: only pairs in different phases can qualify.
    ahead = np.flatnonzero((ph_c > ph_m) & (ph_m >= 0))
    hit = (tg_m[ahead] == job_c[ahead, None]).any(axis=1) & (job_c[ahead] >= 0)
    fwd[ahead, 2] = np.where(hit, STEP_AHEAD_TARGET, mob_mc[ahead] * STEP_AHEAD_MOBILITY)
    behind = np.flatnonzero((ph_m > ph_c) & (ph_c >= 0))
    hit = (tg_c[behind] == job_m[behind, None]).any(axis=1) & (job_m[behind] >= 0)
    bwd[behind, 2] = np.where(hit, STEP_AHEAD_TARGET, mob_cm[behind] * STEP_AHEAD_MOBILITY)

    fwd[:, 3] = np.bitwise_count(mine.sought & theirs.offered).sum(axis=1) / np.maximum(
        mine.sought_count, 1.0
    )
    bwd[:, 3] = np.bitwise_count(theirs.sought & mine.offered).sum(axis=1) / np.maximum(
        theirs.sought_count, 1.0
    )

    # Recruiter ↔ candidate (same value both ways), only for pairs with exactly one recruiter.
    rec_m, rec_c = sit_m == RECRUITER, sit_c == RECRUITER
    active = np.flatnonzero(rec_m ^ rec_c)
    if active.size:
        c_recruits = rec_c[active][:, None]
        recruiting = np.where(c_recruits, tg_c[active], tg_m[active])
        jobs_m = np.concatenate([job_m[active, None], tg_m[active]], axis=1)
        jobs_c = np.concatenate([job_c[active, None], tg_c[active]], axis=1)
        held = np.where(c_recruits, jobs_m, jobs_c)
        code_hit = ((recruiting[:, :, None] == held[:, None, :]) & (recruiting[:, :, None] >= 0)).any(
            axis=(1, 2)
        )
        tdom_m, tdom_c = mine.target_domains[active], theirs.target_domains[active]
        dom_m = np.concatenate([mine.job_domain[active, None], tdom_m], axis=1)
        dom_c = np.concatenate([theirs.job_domain[active, None], tdom_c], axis=1)
        recruiting_dom = np.where(c_recruits, tdom_c, tdom_m)
        held_dom = np.where(c_recruits, dom_m, dom_c)
        dom_hit = (
            (recruiting_dom[:, :, None] == held_dom[:, None, :]) & (recruiting_dom[:, :, None] >= 0)
        ).any(axis=(1, 2))
        fwd[active, 4] = bwd[active, 4] = np.where(code_hit, RECRUITER_JOB, dom_hit * RECRUITER_DOMAIN)

    has_c = job_c >= 0
    shared_target = ((tg_m[:, :, None] == tg_c[:, None, :]) & (tg_m[:, :, None] >= 0)).any(axis=(1, 2))
    jd_m = mine.job_domain
    same_domain = (jd_m == theirs.job_domain) & (jd_m >= 0)
    job_value = np.maximum.reduce(
        [
            ((job_m == job_c) & has_c) * JOB_SAME,
            shared_target * JOB_SHARED_TARGET,
            same_domain * JOB_SAME_DOMAIN,
            (mob_mc | mob_cm) * JOB_MOBILITY,
        ]
    )
    fwd[:, 5] = bwd[:, 5] = job_value

    sec_m, sec_c = mine.sector, theirs.sector
    fwd[:, 6] = (sec_c >= 0) & ((sec_c == sec_m) | (sec_c == mine.target_sector))
    bwd[:, 6] = (sec_m >= 0) & ((sec_m == sec_c) | (sec_m == theirs.target_sector))

    if mine.seek_vec.shape[1]:
        fwd[:, 7] = np.maximum(np.einsum("ij,ij->i", mine.seek_vec, theirs.offer_vec), 0.0)
        bwd[:, 7] = np.maximum(np.einsum("ij,ij->i", theirs.seek_vec, mine.offer_vec), 0.0)

    both_in_person = mine.in_person & theirs.in_person
    dep_m, del_m = mine.departement, mine.delegation
    same_dep = (dep_m == theirs.departement) & (dep_m >= 0)
    same_del = (del_m == theirs.delegation) & (del_m >= 0)
    geo = both_in_person * np.where(same_dep, PLACE_DEPARTEMENT, same_del * PLACE_DELEGATION)
    fwd[:, 8] = bwd[:, 8] = np.maximum(geo, (mine.video & theirs.video) * PLACE_VIDEO)

    common = np.bitwise_count(mine.availability & theirs.availability)
    fwd[:, 9] = common / np.maximum(mine.availability_count, 1.0)
    bwd[:, 9] = common / np.maximum(theirs.availability_count, 1.0)
    return fwd, bwd


def pair_scores(index: MatchingIndex, m: Rows, c: Rows, weights: Weights) -> tuple[F32, F32, F32]:
    """(score, forward, backward) of the pairs (m[i], c[i]); score is the harmonic mean, 0 when either is 0."""
    w = weight_vector(weights)
    total = float(w.sum())
    fwd, bwd = components_both(index, m, c)
    forward = (fwd @ w) / total
    backward = (bwd @ w) / total
    return harmonic(forward, backward), forward.astype(np.float32), backward.astype(np.float32)


def harmonic(forward: F32, backward: F32) -> F32:
    """Harmonic mean 2ab / (a + b), 0 when a + b = 0 (RECON, Pizzato et al. 2010)."""
    denominator = forward + backward
    safe = np.where(denominator > 0, denominator, 1.0)
    result: F32 = np.where(denominator > 0, 2.0 * forward * backward / safe, 0.0).astype(np.float32)
    return result


# --- Reasons ------------------------------------------------------------------------------------------------


def explain_pair(
    index: MatchingIndex, m: int, c: int, weights: Weights, *, parts: tuple[F32, F32] | None = None
) -> tuple[Reason, ...]:
    """Every reason of the pair (rows m, c), seen by m, strongest first.

    Codes: situation, phase, step_ahead, topics, recruiter, job, sector, text, place, availability (why c suits m)
    and you_step_ahead, you_topics, you_text (what m brings to c). A reason is present exactly when its component
    is positive (text: when the cosine reaches 0.2) and its weight is not zero. `parts`: the pair's rows of
    `components_both`, when the caller already has them (explaining many pairs at once).
    """
    ix = index
    w = weight_vector(weights)
    total = float(w.sum())
    if parts is None:
        both = components_both(ix, np.asarray([m], dtype=np.int64), np.asarray([c], dtype=np.int64))
        parts = both[0][0], both[1][0]
    fwd, bwd = parts
    reasons: list[Reason] = []

    def add(code: str, component: str, value: float, text: str) -> None:
        share = float(getattr(weights, component)) * float(value) / total
        if value > 0 and share > 0:
            reasons.append(Reason(code=code, text=text, weight=round(share, 4)))

    add("situation", "situation", fwd[0], f"Même situation : {SITUATION_LABELS[SITUATIONS[ix.situation[m]]]}")
    add("phase", "phase", fwd[1], f"Même étape : {PHASE_LABELS[PHASES[ix.phase[m]]]}")
    if fwd[2] > 0:
        add("step_ahead", "step_ahead", fwd[2], _step_text(ix, behind=m, ahead=c, you=False))
    if bwd[2] > 0:
        add("you_step_ahead", "step_ahead", bwd[2], _step_text(ix, behind=c, ahead=m, you=True))
    if fwd[3] > 0:
        add("topics", "topics", fwd[3], f"Peut vous apporter : {_topics(ix, ix.sought[m] & ix.offered[c])}")
    if bwd[3] > 0:
        add(
            "you_topics",
            "topics",
            bwd[3],
            f"Vous pouvez lui apporter : {_topics(ix, ix.sought[c] & ix.offered[m])}",
        )
    if fwd[4] > 0:
        add("recruiter", "recruiter", fwd[4], _recruiter_text(ix, m, c))
    if fwd[5] > 0:
        add("job", "job", fwd[5], _job_text(ix, m, c, float(fwd[5])))
    if fwd[6] > 0:
        same = ix.sector[c] == ix.sector[m]
        code = ix.sectors.codes[ix.sector[c]]
        text = (
            f"Même secteur d'activité (NAF {code})"
            if same
            else f"Travaille dans le secteur que vous visez (NAF {code})"
        )
        add("sector", "sector", fwd[6], text)
    if fwd[7] >= TEXT_REASON_MIN:
        add("text", "text", fwd[7], "Ce que cette personne peut apporter répond à ce que vous cherchez")
    if bwd[7] >= TEXT_REASON_MIN:
        add("you_text", "text", bwd[7], "Ce que vous pouvez apporter répond à ce que cette personne cherche")
    if fwd[8] > 0:
        add("place", "place", fwd[8], _place_text(ix, m, c, float(fwd[8])))
    if fwd[9] > 0:
        slots = [
            SLOTS[i]
            for i in range(len(SLOTS))
            if (int(ix.availability[m]) & int(ix.availability[c])) >> i & 1
        ]
        add(
            "availability",
            "availability",
            fwd[9],
            f"Disponibles aux mêmes moments : {', '.join(map(slot_label, slots))}",
        )
    return tuple(sorted(reasons, key=lambda r: (-r.weight, r.code)))


def slot_label(slot: str) -> str:
    day, _sep, part = slot.partition("_")
    return f"{_DAY.get(day, day)} {_PART.get(part, part)}"


def _topics(ix: MatchingIndex, mask: npt.NDArray[np.uint64]) -> str:
    names = [slug for t, slug in enumerate(ix.topics.codes) if int(mask[t // 64]) >> (t % 64) & 1]
    return ", ".join(names)


def _step_text(ix: MatchingIndex, *, behind: int, ahead: int, you: bool) -> str:
    job_ahead = int(ix.job[ahead])
    label = ix.job_label(job_ahead)
    phase = PHASE_LABELS[PHASES[ix.phase[ahead]]]
    if (ix.targets[behind] == job_ahead).any():
        if you:
            return f"Vous avez un pas d'avance : vous exercez le métier que cette personne vise ({label})"
        return f"Un pas d'avance : en {phase}, exerce le métier que vous visez ({label})"
    if you:
        return f"Vous avez un pas d'avance : le ROME mène de son métier au vôtre ({label})"
    return f"Un pas d'avance : en {phase}, a rejoint un métier où mène le vôtre selon le ROME ({label})"


def _recruiter_text(ix: MatchingIndex, m: int, c: int) -> str:
    member_recruits = ix.situation[m] == RECRUITER
    recruiter, other = (m, c) if member_recruits else (c, m)
    wanted = [int(t) for t in ix.targets[recruiter] if t >= 0]
    held = [int(j) for j in [ix.job[other], *ix.targets[other]] if j >= 0]
    common = [j for j in wanted if j in held]
    if common:
        label = ix.job_label(common[0])
        if member_recruits:
            return f"Profil qui correspond à un métier que vous recrutez ({label})"
        return f"Recrute pour un métier qui vous correspond ({label})"
    if member_recruits:
        return "Profil du domaine professionnel où vous recrutez"
    return "Recrute dans votre domaine professionnel"


def _job_text(ix: MatchingIndex, m: int, c: int, value: float) -> str:
    if value >= JOB_SAME and ix.job[m] >= 0:
        return f"Même métier : {ix.job_label(int(ix.job[m]))}"
    if value >= JOB_SHARED_TARGET:
        common = [int(t) for t in ix.targets[m] if t >= 0 and (ix.targets[c] == t).any()]
        return f"Vise le même métier que vous : {ix.job_label(common[0])}"
    if value >= JOB_SAME_DOMAIN:
        return f"Même domaine professionnel : {ix.domains.codes[ix.job_domain[m]]}"
    return f"Métiers voisins selon le ROME : {ix.job_label(int(ix.job[c]))}"


def _place_text(ix: MatchingIndex, m: int, c: int, value: float) -> str:
    if value >= PLACE_DEPARTEMENT:
        return f"Même département : {ix.places.codes[ix.departement[m]]}"
    if value >= PLACE_VIDEO:
        return "Ouvert·es tous les deux à la visio"
    return "Même délégation"
