"""Matching engine: who should meet whom, which rencontre to join, whom to invite — pure Python (numpy/scipy).

The model (docs/algorithms/matching.md): for a member m and a candidate c, ten components f(m → c) ∈ [0, 1]
(same situation, same phase, c a step ahead of m, topics c offers that m seeks, recruiter ↔ candidate, job
proximity, sector, free text c offers vs m seeks, place, availability) are weighted into s(m → c); a suggestion's
score is the harmonic mean of s(m → c) and s(c → m), so it must be good for both. Every component carries a
short French reason.

API (keyword-only arguments; plain data in, plain data out)::

    index = build_index(profiles, rome=RomeGraph(mobility=frozenset({("M1805", "M1806")})))
    suggest_people(index, member_id=42, k=10, weights=preset("entre pairs"), exclude={7, 9})
        → Recommendations(items=(Suggestion(id, score, forward, backward, reasons), ...), empty_reason=None)
    suggest_batch(index, member_ids=None, k=20, weights=Weights(), exclude={42: {7}}, exposure_cap=30,
                  diversity=0.2)
        → BatchResult(member_ids, suggestion_ids, scores, counts, coverage, gini, weights, empty_reasons, ...)
          and BatchResult.suggestions(member_id) → Recommendations with reasons
    suggest_rencontres(index, member_id=42, rencontres=[Rencontre(...)], k=5) → RencontreRecommendations
    suggest_invitees(index, rencontre=Rencontre(...), candidate_ids=None, k=20, step_ahead_share=0.3)
        → InviteeRecommendations(items=(Invitee(id, score, role="peer" | "step_ahead", reasons), ...))
    explain_pair(index, row_m, row_c, weights) → every Reason of a pair (rows: index.row_of[id])

Weights: `Weights(...)` validates (WeightsError, French message), `preset(name)` for "défaut", "entre pairs",
"un pas d'avance", "recruteurs"; `to_dict()` / `Weights.from_dict()` for storage. An empty answer always says why
(`empty_reason`), bad input never raises. Build one index per delegation for batches (one background task per
delegation); `suggest_people` scans a whole index, so an on-demand index may be the delegation plus
video-open members. An index caches its proxy matrices per weights: keep it in memory between calls.
"""

from .batch import BatchResult, suggest_batch
from .fairness import coverage, gini
from .index import MatchingIndex, build_index
from .recommend import suggest_invitees, suggest_people, suggest_rencontres
from .scoring import COMPONENTS, explain_pair, pair_scores
from .types import (
    PHASES,
    SITUATIONS,
    SLOTS,
    Invitee,
    InviteeRecommendations,
    Profile,
    Reason,
    Recommendations,
    Rencontre,
    RencontreRecommendations,
    RencontreSuggestion,
    RomeGraph,
    Suggestion,
)
from .weights import PRESETS, Weights, WeightsError, preset

__all__ = [
    "COMPONENTS",
    "PHASES",
    "PRESETS",
    "SITUATIONS",
    "SLOTS",
    "BatchResult",
    "Invitee",
    "InviteeRecommendations",
    "MatchingIndex",
    "Profile",
    "Reason",
    "Recommendations",
    "Rencontre",
    "RencontreRecommendations",
    "RencontreSuggestion",
    "RomeGraph",
    "Suggestion",
    "Weights",
    "WeightsError",
    "build_index",
    "coverage",
    "explain_pair",
    "gini",
    "pair_scores",
    "preset",
    "suggest_batch",
    "suggest_invitees",
    "suggest_people",
    "suggest_rencontres",
]
