"""Fairness and diversity of a batch: MMR re-ranking, an exposure cap, coverage and the Gini coefficient."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def gini(exposure: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative exposure counts: 0 = everybody equally suggested, → 1 = a few take all."""
    x = np.sort(np.asarray(exposure, dtype=np.float64).ravel())
    n = x.size
    total = float(x.sum())
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(np.sum((2.0 * ranks - n - 1.0) * x) / (n * total))


def coverage(counts: npt.ArrayLike, k: int) -> float:
    """Share (0..1) of members who received at least `k` suggestions."""
    values = np.asarray(counts).ravel()
    if values.size == 0:
        return 0.0
    return float(np.mean(values >= k))


def mmr_rerank(
    candidates: I64,
    scores: F32,
    *,
    situation: npt.NDArray[np.int8],
    domain: npt.NDArray[np.int32],
    diversity: float,
    length: int,
) -> tuple[I64, F32]:
    """Maximal Marginal Relevance (Carbonell & Goldstein 1998), one row per member, vectorised over rows.

    Picks, `length` times, the candidate maximising (1 − diversity) · score − diversity · max similarity to those
    already picked, where similarity = ½ [same situation] + ½ [same ROME domaine]. `candidates` are index rows
    (−1 = none), sorted or not. Returns the re-ranked rows and their (unchanged) scores, −1 / 0 padded.
    """
    n, width = candidates.shape
    length = min(length, width)
    out = np.full((n, length), -1, dtype=np.int64)
    out_scores = np.zeros((n, length), dtype=np.float32)
    if n == 0 or width == 0 or length == 0:
        return out, out_scores
    valid = candidates >= 0
    safe = np.where(valid, candidates, 0)
    sit = situation[safe]
    dom = domain[safe]
    penalty = np.zeros((n, width), dtype=np.float32)
    available = valid.copy()
    rows = np.arange(n)
    for step in range(length):
        value = (1.0 - diversity) * scores - diversity * penalty
        value = np.where(available, value, -np.inf)
        pick = np.argmax(value, axis=1)
        ok = available[rows, pick]
        if not ok.any():
            break
        out[ok, step] = candidates[rows[ok], pick[ok]]
        out_scores[ok, step] = scores[rows[ok], pick[ok]]
        available[rows[ok], pick[ok]] = False
        if diversity > 0:
            picked_sit = sit[rows, pick][:, None]
            picked_dom = dom[rows, pick][:, None]
            similarity = 0.5 * (sit == picked_sit) + 0.5 * ((dom == picked_dom) & (dom >= 0))
            penalty = np.where(ok[:, None], np.maximum(penalty, similarity), penalty).astype(np.float32)
    return out, out_scores


def cap_exposure(
    candidates: I64, scores: F32, *, k: int, cap: int | None, n_rows: int
) -> tuple[I64, F32, I64]:
    """Keep, for each member, the first `k` candidates of its ranked list while nobody is used more than `cap`
    times in the whole batch. Rounds go down the lists together; when a candidate is over-asked in a round, the
    members for whom it scores highest keep it. Returns (rows, scores, exposure per index row)."""
    n, width = candidates.shape
    out = np.full((n, k), -1, dtype=np.int64)
    out_scores = np.zeros((n, k), dtype=np.float32)
    exposure = np.zeros(n_rows, dtype=np.int64)
    if n == 0 or k == 0:
        return out, out_scores, exposure
    if cap is None:
        # No cap: each member keeps the first k entries of its list (−1 holes skipped).
        valid = candidates >= 0
        order = np.argsort(~valid, axis=1, kind="stable")[:, :k]
        kept = np.take_along_axis(candidates, order, axis=1)
        width_k = kept.shape[1]
        out[:, :width_k] = kept
        out_scores[:, :width_k] = np.where(kept >= 0, np.take_along_axis(scores, order, axis=1), 0.0)
        shown = out[out >= 0]
        exposure += np.bincount(shown, minlength=n_rows)[:n_rows]
        return out, out_scores, exposure
    limit = max(int(cap), 0)
    pointer = np.zeros(n, dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    while True:
        active = np.flatnonzero((count < k) & (pointer < width))
        if active.size == 0:
            break
        proposal = candidates[active, pointer[active]]
        proposal_score = scores[active, pointer[active]]
        pointer[active] += 1
        live = proposal >= 0
        active, proposal, proposal_score = active[live], proposal[live], proposal_score[live]
        if active.size == 0:
            continue
        order = np.lexsort((-proposal_score, proposal))
        sorted_cand = proposal[order]
        starts = np.searchsorted(sorted_cand, sorted_cand, side="left")
        rank_in_candidate = np.arange(sorted_cand.size) - starts
        room = limit - exposure[sorted_cand]
        accepted = order[rank_in_candidate < room]
        members = active[accepted]
        out[members, count[members]] = proposal[accepted]
        out_scores[members, count[members]] = proposal_score[accepted]
        count[members] += 1
        np.add.at(exposure, proposal[accepted], 1)
    return out, out_scores, exposure
