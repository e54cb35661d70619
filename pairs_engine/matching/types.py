"""Plain data types of the matching engine: what goes in (profiles, ROME graph, rencontres) and what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field

SITUATIONS: tuple[str, ...] = ("employed", "job_seeker", "graduate", "recruiter")
# Ordered: a later phase is "a step ahead" of an earlier one.
PHASES: tuple[str, ...] = ("preparation", "transition", "integration")
DAYS: tuple[tuple[str, str], ...] = (
    ("mon", "lundi"),
    ("tue", "mardi"),
    ("wed", "mercredi"),
    ("thu", "jeudi"),
    ("fri", "vendredi"),
)
DAY_PARTS: tuple[tuple[str, str], ...] = (("morning", "matin"), ("lunch", "midi"), ("evening", "soir"))
SLOTS: tuple[str, ...] = tuple(f"{day}_{part}" for day, _d in DAYS for part, _p in DAY_PARTS)
MODES: tuple[str, ...] = ("in_person", "video", "hybrid")


@dataclass(frozen=True)
class Profile:
    """One member as the engine sees it. Unknown or missing values are allowed: they simply never match."""

    id: int
    situation: str  # one of SITUATIONS
    phase: str  # one of PHASES
    departement: str | None = None  # INSEE code: "75", "2A", "971"
    delegation: str | None = None  # delegation code: "ile-de-france"
    current_job: str | None = None  # ROME 4.0 code: "M1805"
    target_jobs: tuple[str, ...] = ()  # up to 3 ROME codes (a recruiter: the jobs they recruit for)
    sector: str | None = None  # NAF rév. 2 division: "62"
    target_sector: str | None = None
    topics_sought: frozenset[str] = frozenset()
    topics_offered: frozenset[str] = frozenset()
    seeking_text: str = ""  # « ce que je cherche »
    offering_text: str = ""  # « ce que je peux apporter »
    in_person: bool = True
    video: bool = False
    availability: frozenset[str] = frozenset()  # slots of SLOTS, e.g. "thu_evening"
    recommendable: bool = True  # consent to appear in other members' suggestions


@dataclass(frozen=True)
class RomeGraph:
    """The ROME reference: directed mobility links between métiers (from → to). Domaine = code[:3]."""

    mobility: frozenset[tuple[str, str]] = frozenset()
    job_labels: dict[str, str] = field(
        default_factory=dict
    )  # optional: "M1805" → "Études et développement informatique"


@dataclass(frozen=True)
class Rencontre:
    """A peer meeting organised by a delegation. Empty target sets mean "anyone"."""

    id: int
    title: str
    description: str = ""
    topics: frozenset[str] = frozenset()
    target_situations: frozenset[str] = frozenset()
    target_phases: frozenset[str] = frozenset()
    target_domains: frozenset[str] = frozenset()  # ROME domaines: "M18"
    mode: str = "in_person"  # one of MODES
    departement: str | None = None
    delegation: str | None = None
    slot: str | None = None  # the availability slot it falls in: "thu_evening"
    seats_left: int = 1


@dataclass(frozen=True)
class Reason:
    """Why a suggestion was made: a stable code, a French sentence, and its share of the score."""

    code: str
    text: str
    weight: float


@dataclass(frozen=True)
class Suggestion:
    """A person to meet. `forward` = how good they are for the member, `backward` = how good the member is for them,
    `score` = harmonic mean of both (reciprocity)."""

    id: int
    score: float
    forward: float
    backward: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RencontreSuggestion:
    """A rencontre for a member, with the reasons it fits."""

    id: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Invitee:
    """A member to invite to a rencontre; `role` is "peer" (same step as the audience) or "step_ahead"."""

    id: int
    score: float
    role: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Recommendations:
    """An on-demand answer: the items, or none and a French `empty_reason` saying why."""

    items: tuple[Suggestion, ...]
    empty_reason: str | None = None


@dataclass(frozen=True)
class RencontreRecommendations:
    items: tuple[RencontreSuggestion, ...]
    empty_reason: str | None = None


@dataclass(frozen=True)
class InviteeRecommendations:
    items: tuple[Invitee, ...]
    empty_reason: str | None = None
