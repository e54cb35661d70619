"""On-demand recommendations: people for a member, rencontres for a member, invitees for a rencontre."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from .candidates import harmonic_proxy, related_lists
from .fairness import mmr_rerank
from .features import structured_part
from .index import RECRUITER, MatchingIndex, topic_mask
from .ranking import proxy_matrices, rescore
from .scan_kernel import add_targets
from .scoring import PHASE_LABELS, SITUATION_LABELS, components_both, explain_pair, slot_label
from .types import (
    PHASES,
    SITUATIONS,
    SLOTS,
    Invitee,
    InviteeRecommendations,
    Reason,
    Recommendations,
    Rencontre,
    RencontreRecommendations,
    RencontreSuggestion,
    Suggestion,
)
from .weights import Weights

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

DEFAULT_WEIGHTS = Weights()
NOT_INDEXED = "Ce membre ne fait pas partie de l'index de recommandation."
NOTHING_ASKED = "Aucune suggestion demandée (k = 0)."
NOBODY = "Aucun autre membre n'accepte d'être suggéré dans ce périmètre."
ALL_EXCLUDED = "Toutes les personnes possibles ont déjà été rencontrées, contactées ou écartées."
NO_MATCH = "Aucune personne ne correspond suffisamment à ce profil pour le moment."
NO_RENCONTRE = "Aucune rencontre à venir avec des places libres ne correspond à ce profil."
NO_INVITEE = "Aucun membre ne correspond au public de cette rencontre."


def suggest_people(
    index: MatchingIndex,
    *,
    member_id: int,
    k: int = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    exclude: Iterable[int] = (),
    diversity: float = 0.0,
    max_reasons: int = 4,
    candidates: int = 200,
) -> Recommendations:
    """The `k` people `member_id` should meet, best first, each with its top French reasons.

    Only recommendable profiles are suggested; `exclude` (ids already met, connected, dismissed) never is.
    Every row with a ROME relation to the member is re-scored exactly; of the others, whose score has no
    ROME-dependent part, the best `candidates` by dense proxy are re-scored too. `diversity` in [0, 1]
    re-ranks by MMR over situation and ROME domaine (0 = pure score)."""
    row = index.row_of.get(member_id)
    if row is None:
        return Recommendations((), NOT_INDEXED)
    if k <= 0:
        return Recommendations((), NOTHING_ASKED)
    open_rows = index.recommendable.copy()
    open_rows[row] = False
    if not open_rows.any():
        return Recommendations((), NOBODY)
    for other in exclude:
        r = index.row_of.get(other)
        if r is not None:
            open_rows[r] = False
    allowed = np.flatnonzero(open_rows).astype(np.int64)
    if allowed.size == 0:
        return Recommendations((), ALL_EXCLUDED)
    # One proxy value per row — the dense part, plus the exact structured part (features.structured_part) on the
    # rows with a precise ROME relation, plus the domaine bonuses elsewhere — then the best `candidates` rows by
    # proxy are re-scored exactly.
    proxy = member_proxy(index, row, weights)
    allowed = np.flatnonzero(open_rows).astype(np.int64)
    chosen = allowed
    if chosen.size > candidates:
        chosen = chosen[np.argpartition(-proxy[chosen], candidates - 1)[:candidates]]
    q = np.full(chosen.size, row, dtype=np.int64)
    score, forward, backward = rescore(index, weights, q, chosen)
    positive = score > 0
    if not positive.any():
        return Recommendations((), NO_MATCH)
    chosen, score, forward, backward = (
        chosen[positive],
        score[positive],
        forward[positive],
        backward[positive],
    )
    order = np.lexsort((index.ids[chosen], -score))
    chosen, score, forward, backward = chosen[order], score[order], forward[order], backward[order]
    if diversity > 0 and chosen.size > 1:
        reranked, _s = mmr_rerank(
            chosen[None, :],
            score[None, :],
            situation=index.situation,
            domain=index.job_domain,
            diversity=diversity,
            length=k,
        )
        position = {int(r): i for i, r in enumerate(chosen)}
        picks = [position[int(r)] for r in reranked[0] if r >= 0]
    else:
        picks = list(range(min(k, chosen.size)))
    shown = chosen[picks]
    fwd, bwd = components_both(index, np.full(shown.size, row, dtype=np.int64), shown)
    items = tuple(
        Suggestion(
            id=int(index.ids[chosen[i]]),
            score=round(float(score[i]), 6),
            forward=round(float(forward[i]), 6),
            backward=round(float(backward[i]), 6),
            reasons=explain_pair(index, row, int(chosen[i]), weights, parts=(fwd[j], bwd[j]))[:max_reasons],
        )
        for j, i in enumerate(picks)
    )
    return Recommendations(items)


def member_proxy(index: MatchingIndex, row: int, weights: Weights) -> F32:
    """Harmonic proxy of `row` against every row: the dense part, plus the exact structured part on the rows with
    a precise ROME relation, plus the domaine bonuses elsewhere (see candidates.RelatedLists)."""
    proxy = proxy_matrices(index, weights)
    lists = related_lists(index)
    bonus = lists.weak_bonus(index, row, weights)
    forward = proxy.rf @ proxy.qf[row]
    forward += 0.5 * bonus
    backward = proxy.rb @ proxy.qb[row]
    backward += 0.5 * bonus
    related = lists.strong(index, row)
    if related.size:
        structured = structured_part(
            index, weights, job=int(index.job[row]), rows=np.asarray([row], dtype=np.int64), pool=related
        )
        extra_forward = structured.right @ structured.left_fwd[0]
        extra_backward = structured.right @ structured.left_bwd[0]
        add_targets(extra_forward[None, :], extra_backward[None, :], structured.target_rows(0, 1))
        forward[related] += extra_forward - 0.5 * bonus[related]
        backward[related] += extra_backward - 0.5 * bonus[related]
    return harmonic_proxy(forward, backward)


# --- Rencontres -------------------------------------------------------------------------------------------


def _rencontre_fit(
    index: MatchingIndex, rencontre: Rencontre, rows: I64, weights: Weights, *, as_step_ahead: bool
) -> tuple[F32, B, list[dict[str, float]]]:
    """Fit of members `rows` with a rencontre: (score in [0, 1], eligible, per-component values).

    Peers must match the targeted situations and phases; "a step ahead" members must be in a later phase than
    every targeted phase (any situation), and are judged on what they offer rather than what they seek."""
    ix = index
    n = rows.size
    sit = ix.situation[rows]
    phase = ix.phase[rows]
    target_sit = [SITUATIONS.index(s) for s in rencontre.target_situations if s in SITUATIONS]
    target_ph = sorted(PHASES.index(p) for p in rencontre.target_phases if p in PHASES)
    eligible = np.ones(n, dtype=np.bool_)
    values: dict[str, F32] = {}
    if as_step_ahead:
        floor = target_ph[-1] if target_ph else PHASES.index("transition")
        eligible &= phase > floor
        eligible &= sit != RECRUITER
        values["situation"] = np.zeros(n, dtype=np.float32)
        values["phase"] = np.zeros(n, dtype=np.float32)
    else:
        if rencontre.target_situations:
            eligible &= np.isin(sit, target_sit)
        if rencontre.target_phases:
            eligible &= np.isin(phase, target_ph)
        values["situation"] = np.full(n, 1.0 if rencontre.target_situations else 0.5, dtype=np.float32)
        values["phase"] = np.full(n, 1.0 if rencontre.target_phases else 0.5, dtype=np.float32)

    mask = topic_mask(ix, rencontre.topics)
    if as_step_ahead:
        shared = np.bitwise_count(ix.offered[rows] & mask).sum(axis=1)
        values["topics"] = (shared / max(len(rencontre.topics), 1)).astype(np.float32)
    else:
        shared = np.bitwise_count(ix.sought[rows] & mask).sum(axis=1)
        values["topics"] = np.asarray(shared / np.maximum(ix.sought_count[rows], 1.0), dtype=np.float32)

    domain_ids = [ix.domains.ids[d] for d in rencontre.target_domains if d in ix.domains.ids]
    member_domains = np.concatenate([ix.job_domain[rows][:, None], ix.target_domains[rows]], axis=1)
    if rencontre.target_domains:
        values["job"] = np.asarray(np.isin(member_domains, domain_ids).any(axis=1), dtype=np.float32)
    else:
        values["job"] = np.full(n, 0.5, dtype=np.float32)

    in_person = ix.in_person[rows]
    video = ix.video[rows]
    dep = ix.places.ids.get(rencontre.departement or "", -2)
    dele = ix.delegations.ids.get(rencontre.delegation or "", -2)
    geo = np.where(ix.departement[rows] == dep, 1.0, np.where(ix.delegation[rows] == dele, 0.5, 0.0))
    geo = geo * in_person
    if rencontre.mode == "video":
        place = video * 1.0
    elif rencontre.mode == "hybrid":
        place = np.maximum(geo, video * 1.0)
    else:
        place = geo
    eligible &= place > 0
    values["place"] = place.astype(np.float32)

    if rencontre.slot in SLOTS:
        bit = 1 << SLOTS.index(rencontre.slot)
        values["availability"] = ((ix.availability[rows] & bit) > 0).astype(np.float32)
    else:
        values["availability"] = np.zeros(n, dtype=np.float32)

    vector = ix.text_model.transform([f"{rencontre.title}\n{rencontre.description}"])[0]
    member_vectors = ix.offer_vec[rows] if as_step_ahead else ix.seek_vec[rows]
    if vector.size:
        values["text"] = np.maximum(member_vectors @ vector, 0.0).astype(np.float32)
    else:
        values["text"] = np.zeros(n, dtype=np.float32)

    used = ("situation", "phase", "topics", "job", "place", "availability", "text")
    total = sum(float(getattr(weights, name)) for name in used)
    if total <= 0:
        score = np.zeros(n, dtype=np.float32)
    else:
        score = sum(float(getattr(weights, name)) * values[name] for name in used) / total  # type: ignore[assignment]
    score = np.asarray(score, dtype=np.float32)
    per_row = [{name: float(values[name][i]) for name in used} for i in range(n)] if n <= 64 else []
    return score, eligible, per_row


def _rencontre_reasons(
    index: MatchingIndex,
    rencontre: Rencontre,
    row: int,
    values: dict[str, float],
    weights: Weights,
    *,
    ahead: bool,
) -> tuple[Reason, ...]:
    ix = index
    used = ("situation", "phase", "topics", "job", "place", "availability", "text")
    total = sum(float(getattr(weights, name)) for name in used) or 1.0
    reasons: list[Reason] = []

    def add(code: str, component: str, text: str) -> None:
        share = float(getattr(weights, component)) * values[component] / total
        if values[component] > 0 and share > 0:
            reasons.append(Reason(code=code, text=text, weight=round(share, 4)))

    if ahead:
        reasons.append(
            Reason(
                code="step_ahead",
                text=f"Un pas d'avance sur le public visé : déjà en {PHASE_LABELS[PHASES[ix.phase[row]]]}",
                weight=0.0,
            )
        )
    if rencontre.target_situations and not ahead:
        add(
            "situation",
            "situation",
            f"S'adresse à votre situation : {SITUATION_LABELS[SITUATIONS[ix.situation[row]]]}",
        )
    if rencontre.target_phases and not ahead:
        add("phase", "phase", f"S'adresse à votre étape : {PHASE_LABELS[PHASES[ix.phase[row]]]}")
    if values["topics"] > 0:
        mask = topic_mask(ix, rencontre.topics) & (ix.offered[row] if ahead else ix.sought[row])
        names = [slug for t, slug in enumerate(ix.topics.codes) if int(mask[t // 64]) >> (t % 64) & 1]
        prefix = "Peut y apporter" if ahead else "Thématiques que vous cherchez"
        add("topics", "topics", f"{prefix} : {', '.join(names)}")
    if rencontre.target_domains and values["job"] > 0:
        add(
            "job",
            "job",
            f"Votre domaine professionnel est visé : {', '.join(sorted(rencontre.target_domains))}",
        )
    if values["place"] > 0:
        if (
            rencontre.mode in ("video", "hybrid")
            and ix.video[row]
            and values["place"] >= 1.0
            and not (
                ix.departement[row] == ix.places.ids.get(rencontre.departement or "", -2)
                and ix.in_person[row]
            )
        ):
            add("place", "place", "En visio, comme vous l'acceptez")
        elif values["place"] >= 1.0:
            add("place", "place", f"Dans votre département : {rencontre.departement}")
        else:
            add("place", "place", "Dans votre délégation")
    if values["availability"] > 0 and rencontre.slot:
        add(
            "availability",
            "availability",
            f"Sur un créneau où vous êtes disponible : {slot_label(rencontre.slot)}",
        )
    if values["text"] >= 0.2:
        add(
            "text",
            "text",
            "Le sujet rejoint ce que vous cherchez"
            if not ahead
            else "Le sujet rejoint ce que vous pouvez apporter",
        )
    return tuple(sorted(reasons, key=lambda r: (-r.weight, r.code)))


def suggest_rencontres(
    index: MatchingIndex,
    *,
    member_id: int,
    rencontres: Sequence[Rencontre],
    k: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
    max_reasons: int = 4,
) -> RencontreRecommendations:
    """The `k` rencontres (with seats left) that fit `member_id` best. Targeted situations and phases are hard
    requirements; so is the place (in person: same département or delegation; video: open to video)."""
    row = index.row_of.get(member_id)
    if row is None:
        return RencontreRecommendations((), NOT_INDEXED)
    if k <= 0:
        return RencontreRecommendations((), NOTHING_ASKED)
    rows = np.asarray([row], dtype=np.int64)
    scored: list[tuple[float, int, Rencontre, dict[str, float]]] = []
    for rencontre in rencontres:
        if rencontre.seats_left <= 0:
            continue
        score, eligible, values = _rencontre_fit(index, rencontre, rows, weights, as_step_ahead=False)
        if eligible[0] and score[0] > 0:
            scored.append((float(score[0]), rencontre.id, rencontre, values[0]))
    if not scored:
        return RencontreRecommendations((), NO_RENCONTRE)
    scored.sort(key=lambda item: (-item[0], item[1]))
    return RencontreRecommendations(
        tuple(
            RencontreSuggestion(
                id=rid,
                score=round(score, 6),
                reasons=_rencontre_reasons(index, rencontre, row, values, weights, ahead=False)[:max_reasons],
            )
            for score, rid, rencontre, values in scored[:k]
        )
    )


def suggest_invitees(
    index: MatchingIndex,
    *,
    rencontre: Rencontre,
    candidate_ids: Iterable[int] | None = None,
    k: int = 20,
    weights: Weights = DEFAULT_WEIGHTS,
    exclude: Iterable[int] = (),
    step_ahead_share: float = 0.3,
    max_reasons: int = 4,
) -> InviteeRecommendations:
    """Whom to invite: peers (the rencontre's audience) mixed with people a step ahead of it.

    round(step_ahead_share × k) places go to the best "step ahead" members (later phase than every targeted
    phase, offering the rencontre's topics), the rest to the best peers; a side that runs short leaves its places
    to the other. Only recommendable members, minus `exclude`, among `candidate_ids` (default: the whole index)."""
    if k <= 0:
        return InviteeRecommendations((), NOTHING_ASKED)
    if candidate_ids is None:
        rows = np.flatnonzero(index.recommendable).astype(np.int64)
    else:
        rows = np.asarray(
            sorted({index.row_of[i] for i in candidate_ids if i in index.row_of}), dtype=np.int64
        )
        rows = rows[index.recommendable[rows]] if rows.size else rows
    excluded = {index.row_of[i] for i in exclude if i in index.row_of}
    if excluded and rows.size:
        rows = rows[~np.isin(rows, np.fromiter(excluded, np.int64))]
    if rows.size == 0:
        return InviteeRecommendations((), NO_INVITEE)
    peer_score, peer_ok, _v = _rencontre_fit(index, rencontre, rows, weights, as_step_ahead=False)
    ahead_score, ahead_ok, _v = _rencontre_fit(index, rencontre, rows, weights, as_step_ahead=True)
    ahead_ok &= ~peer_ok
    peers = _best(rows, peer_score, peer_ok, index)
    ahead = _best(rows, ahead_score, ahead_ok, index)
    n_ahead = min(len(ahead), round(max(0.0, min(1.0, step_ahead_share)) * k))
    n_peers = min(len(peers), k - n_ahead)
    n_ahead = min(len(ahead), k - n_peers)
    chosen = [(s, r, "peer") for s, r in peers[:n_peers]] + [(s, r, "step_ahead") for s, r in ahead[:n_ahead]]
    if not chosen:
        return InviteeRecommendations((), NO_INVITEE)
    chosen.sort(key=lambda item: (-item[0], int(index.ids[item[1]])))
    items = []
    for score, row, role in chosen:
        one = np.asarray([row], dtype=np.int64)
        _s, _e, values = _rencontre_fit(index, rencontre, one, weights, as_step_ahead=role == "step_ahead")
        reasons = _rencontre_reasons(index, rencontre, row, values[0], weights, ahead=role == "step_ahead")
        items.append(
            Invitee(id=int(index.ids[row]), score=round(score, 6), role=role, reasons=reasons[:max_reasons])
        )
    return InviteeRecommendations(tuple(items))


def _best(rows: I64, score: F32, ok: B, index: MatchingIndex) -> list[tuple[float, int]]:
    keep = ok & (score > 0)
    r, s = rows[keep], score[keep]
    order = np.lexsort((index.ids[r], -s))
    return [(float(s[i]), int(r[i])) for i in order]
