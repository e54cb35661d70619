"""The weights of the score's components: validated, named presets, and a plain-dict form for storage."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

# French names of the components, for messages.
COMPONENT_LABELS: dict[str, str] = {
    "situation": "même situation",
    "phase": "même étape",
    "step_ahead": "un pas d'avance",
    "topics": "thématiques offertes et cherchées",
    "recruiter": "recruteur et candidat",
    "job": "proximité de métier",
    "sector": "secteur",
    "text": "texte libre",
    "place": "lieu",
    "availability": "disponibilités",
}


class WeightsError(ValueError):
    """Weights that cannot be used; the message is French and names the faulty weight."""


@dataclass(frozen=True)
class Weights:
    """Non-negative weight of each component of the directional score (at least one positive).

    The directional score is Σ weight × component / Σ weight, so only ratios matter.
    """

    situation: float = 1.0
    phase: float = 1.0
    step_ahead: float = 2.0
    topics: float = 2.0
    recruiter: float = 1.0
    job: float = 1.5
    sector: float = 0.5
    text: float = 1.5
    place: float = 1.0
    availability: float = 0.5

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            label = COMPONENT_LABELS[item.name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise WeightsError(f"Le poids « {label} » doit être un nombre.")
            if not math.isfinite(value):
                raise WeightsError(f"Le poids « {label} » doit être un nombre fini.")
            if value < 0:
                raise WeightsError(f"Le poids « {label} » ne peut pas être négatif ({value}).")
        if self.total() <= 0:
            raise WeightsError("Au moins un poids doit être strictement positif.")

    def total(self) -> float:
        return float(sum(float(getattr(self, item.name)) for item in fields(self)))

    def to_dict(self) -> dict[str, float]:
        return {name: float(value) for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Weights:
        """Weights from a stored dict; missing keys take the default, unknown keys are refused."""
        if not isinstance(data, dict):
            raise WeightsError("Les poids doivent être donnés sous forme de dictionnaire.")
        known = {item.name for item in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise WeightsError(f"Poids inconnu : « {', '.join(unknown)} ».")
        return cls(**data)


PRESETS: dict[str, Weights] = {
    "défaut": Weights(),
    "entre pairs": Weights(
        situation=2.0,
        phase=2.0,
        step_ahead=0.5,
        topics=2.0,
        recruiter=0.0,
        job=2.0,
        sector=0.5,
        text=1.5,
        place=1.0,
        availability=0.5,
    ),
    "un pas d'avance": Weights(
        situation=0.5,
        phase=0.0,
        step_ahead=4.0,
        topics=2.5,
        recruiter=0.5,
        job=1.0,
        sector=0.5,
        text=1.5,
        place=1.0,
        availability=0.5,
    ),
    "recruteurs": Weights(
        situation=0.0,
        phase=0.0,
        step_ahead=0.5,
        topics=1.0,
        recruiter=4.0,
        job=2.0,
        sector=1.0,
        text=1.0,
        place=1.0,
        availability=0.5,
    ),
}


def preset(name: str) -> Weights:
    """A named preset ("défaut", "entre pairs", "un pas d'avance", "recruteurs")."""
    try:
        return PRESETS[name]
    except KeyError:
        raise WeightsError(f"Préréglage inconnu : « {name} » (connus : {', '.join(PRESETS)}).") from None
