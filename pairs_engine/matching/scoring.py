"""The exact blended score of a pair, vectorised over arrays of pairs, and its French reasons.

Every component f(m → c) ∈ [0, 1] says how good candidate c is *for* member m; the directional score is
s(m → c) = Σ wᵢ fᵢ / Σ wᵢ, and a suggestion's score is the harmonic mean of s(m → c) and s(c → m).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import numpy.typing as npt

from .index import RECRUITER, MatchingIndex
from .score_kernel import (
    JOB_SAME,
    JOB_SAME_DOMAIN,
    JOB_SHARED_TARGET,
    PLACE_DEPARTEMENT,
    PLACE_VIDEO,
    Rows,
    pair_components,
)
from .types import DAY_PARTS, DAYS, PHASES, SITUATIONS, SLOTS, Reason
from .weights import Weights

COMPONENTS: tuple[str, ...] = tuple(item.name for item in fields(Weights))
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

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


def components_both(index: MatchingIndex, m: Rows, c: Rows) -> tuple[F32, F32]:
    """Values of f(m[i] → c[i]) and f(c[i] → m[i]), sharing the work of both directions (rules: score_kernel)."""
    return pair_components(index, m, c)


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
