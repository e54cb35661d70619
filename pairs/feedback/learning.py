"""Learning from what happened after the rencontres: evidence for or against each weight.

The exact rule is documented in docs/algorithms/matching.md, « Apprendre des
retours ». In short:

1. Signals, each on an unordered pair of members:
   - positive « connection »: the two ticked each other (a ``Connection``);
   - positive « useful »: both were present at a rencontre and both answered
     its feedback with a mean usefulness ≥ 4 (out of 5);
   - negative « not useful »: same, mean usefulness ≤ 2;
   - negative « dismissal »: one said « pas intéressé·e » about the other.
   Only members who currently consent to statistics (consent (c)) count.
2. The components that explain a pair: the reason codes of a stored
   suggestion between them (either direction), otherwise the components the
   engine computes for them now (value > 0 in either direction; the free text
   from a cosine of 0.2, as for the engine's reasons).
3. Per component, positive and negative counts, and a proposed factor
   1 + 0.2 × (pos − neg) / (pos + neg + 5): bounded by ±20 %, near 1 while
   evidence is thin. Nothing is applied: the national team creates an inactive
   version from the proposal, then decides.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from pairs.meetings.models import Attendance, RegistrationStatus
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent
from pairs.recommendations.models import Dismissal, PeerSuggestion, WeightSet
from pairs.recommendations.services import weight_set_active
from pairs.recommendations.translate import engine_profiles, rome_graph
from pairs_engine import matching as engine
from pairs_engine.matching.weights import COMPONENT_LABELS

from .models import Connection, Feedback

USEFUL_AT_LEAST = 4.0
NOT_USEFUL_AT_MOST = 2.0
MAX_CHANGE = 0.2
PRIOR = 5
TEXT_PRESENT_FROM = 0.2  # the engine cites the free text as a reason from this cosine on
# Reasons about what the member brings count for the same component.
REASON_COMPONENT = {"you_step_ahead": "step_ahead", "you_topics": "topics", "you_text": "text"}
CHUNK = 1000

Pair = tuple[int, int]


class SignalKind:
    CONNECTION = "connection"
    USEFUL = "useful"
    NOT_USEFUL = "not_useful"
    DISMISSAL = "dismissal"


POSITIVE_KINDS = frozenset({SignalKind.CONNECTION, SignalKind.USEFUL})


@dataclass(frozen=True)
class Signal:
    pair: Pair
    kind: str

    @property
    def positive(self) -> bool:
        return self.kind in POSITIVE_KINDS


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def learning_signals() -> list[Signal]:
    """Every signal, from members who consent to statistics (consent (c))."""
    signals = [
        Signal(_pair(a, b), SignalKind.CONNECTION)
        for a, b in Connection.objects.values_list("member_a_id", "member_b_id")
    ]
    signals += [
        Signal(_pair(a, b), SignalKind.DISMISSAL)
        for a, b in Dismissal.objects.values_list("member_id", "dismissed_id")
        if a != b
    ]
    answers: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for rencontre_id, member_id, usefulness in Feedback.objects.filter(
        registration__status=RegistrationStatus.REGISTERED, registration__attendance=Attendance.PRESENT
    ).values_list("registration__rencontre_id", "registration__member_id", "usefulness"):
        answers[rencontre_id].append((member_id, usefulness))
    for rows in answers.values():
        for (m, um), (c, uc) in combinations(rows, 2):
            mean = (um + uc) / 2
            if mean >= USEFUL_AT_LEAST:
                signals.append(Signal(_pair(m, c), SignalKind.USEFUL))
            elif mean <= NOT_USEFUL_AT_MOST:
                signals.append(Signal(_pair(m, c), SignalKind.NOT_USEFUL))
    involved = sorted({i for s in signals for i in s.pair})
    consenting: set[int] = set()
    for start in range(0, len(involved), CHUNK):
        consenting.update(
            members_with_consent(kind=ConsentKind.STATISTICS)
            .filter(pk__in=involved[start : start + CHUNK])
            .values_list("pk", flat=True)
        )
    return [s for s in signals if s.pair[0] in consenting and s.pair[1] in consenting]


def _stored_components(pairs: set[Pair]) -> dict[Pair, set[str]]:
    ids = sorted({i for p in pairs for i in p})
    found: dict[Pair, set[str]] = defaultdict(set)
    for start in range(0, len(ids), CHUNK):
        rows = PeerSuggestion.objects.filter(member_id__in=ids[start : start + CHUNK]).values_list(
            "member_id", "suggested_id", "reasons"
        )
        for member_id, suggested_id, reasons in rows:
            pair = _pair(member_id, suggested_id)
            if pair not in pairs:
                continue
            for reason in reasons or []:
                code = REASON_COMPONENT.get(reason.get("code", ""), reason.get("code", ""))
                if code in COMPONENT_LABELS:
                    found[pair].add(code)
    return dict(found)


def _computed_components(pairs: set[Pair]) -> dict[Pair, set[str]]:
    if not pairs:
        return {}
    ids = sorted({i for p in pairs for i in p})
    index = engine.build_index(engine_profiles(Member.objects.filter(pk__in=ids)), rome=rome_graph())
    known = [p for p in sorted(pairs) if p[0] in index.row_of and p[1] in index.row_of]
    if not known:
        return {}
    m = np.asarray([index.row_of[a] for a, _b in known], dtype=np.int64)
    c = np.asarray([index.row_of[b] for _a, b in known], dtype=np.int64)
    found: dict[Pair, set[str]] = {p: set() for p in known}
    for name in engine.COMPONENTS:
        # One-hot weights: the directional scores are then exactly this component's values.
        one_hot = engine.Weights(**{n: (1.0 if n == name else 0.0) for n in engine.COMPONENTS})
        _score, forward, backward = engine.pair_scores(index, m, c, one_hot)
        value = np.maximum(forward, backward)
        present = value >= TEXT_PRESENT_FROM if name == "text" else value > 0
        for i in np.flatnonzero(present):
            found[known[int(i)]].add(name)
    return found


def pair_components(pairs: set[Pair]) -> dict[Pair, set[str]]:
    """The components explaining each pair: stored suggestion reasons first, the engine otherwise."""
    stored = _stored_components(pairs)
    computed = _computed_components(pairs - set(stored))
    return {**computed, **stored}


def adjustment(*, positive: int, negative: int) -> float:
    """The proposed multiplicative factor of a component's weight, within [0.8, 1.2]."""
    return 1.0 + MAX_CHANGE * (positive - negative) / (positive + negative + PRIOR)


@dataclass(frozen=True)
class ComponentLine:
    code: str
    label: str
    current: float
    positive: int
    negative: int
    factor: float
    proposed: float

    @property
    def effect_percent(self) -> int:
        return round((self.factor - 1.0) * 100)


@dataclass(frozen=True)
class LearningReport:
    weight_set: WeightSet
    lines: list[ComponentLine]
    signals: dict[str, int] = field(default_factory=dict)
    pairs: int = 0

    def proposed_weights(self) -> dict[str, float]:
        return {line.code: line.proposed for line in self.lines}

    @property
    def has_evidence(self) -> bool:
        return any(line.positive or line.negative for line in self.lines)


def learning_report(*, weight_set: WeightSet | None = None) -> LearningReport:
    """Evidence per component and the proposed weights, next to the weights in service."""
    weight_set = weight_set or weight_set_active()
    current = engine.Weights.from_dict(weight_set.weights).to_dict()
    signals = learning_signals()
    explained = pair_components({s.pair for s in signals})
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    for signal in signals:
        for name in explained.get(signal.pair, ()):
            (positive if signal.positive else negative)[name] += 1
    lines = []
    for name in engine.COMPONENTS:
        factor = adjustment(positive=positive[name], negative=negative[name])
        lines.append(
            ComponentLine(
                code=name,
                label=COMPONENT_LABELS[name],
                current=current[name],
                positive=positive[name],
                negative=negative[name],
                factor=round(factor, 4),
                proposed=round(current[name] * factor, 3),
            )
        )
    return LearningReport(
        weight_set=weight_set,
        lines=lines,
        signals=dict(Counter(s.kind for s in signals)),
        pairs=len({s.pair for s in signals}),
    )
