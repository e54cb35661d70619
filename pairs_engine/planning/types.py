"""Plain data types of the planner: requests, plans and their verifiable claims.

Everything here is plain data (tuples, dicts, numpy arrays) so the Django side can
render it without knowing the algorithms. Messages meant for people are French.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Id = Hashable
FloatArray = NDArray[np.float64]


class PlanningError(ValueError):
    """Bad input for the planner or the pairing; the message is French and shown as is."""


@dataclass(frozen=True)
class TableQuota:
    """Per-table bounds on how many people of a role sit together.

    ``minimum=1`` for "au moins un pas d'avance par table"; ``maximum=1`` for
    "recruteurs répartis : au plus un par table"; ``maximum=None`` means no upper bound.
    """

    role: str
    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class QuotaViolation:
    round: int  # 1-based
    table: int  # 1-based
    role: str
    count: int
    minimum: int
    maximum: int | None

    def describe(self) -> str:
        bound = f"au moins {self.minimum}" if self.count < self.minimum else f"au plus {self.maximum}"
        return f"Tour {self.round}, table {self.table} : {self.count} « {self.role} » ({bound} attendu)"


@dataclass(frozen=True)
class TableRequest:
    """A validated planning problem (build it with :func:`table_request`)."""

    participants: tuple[Id, ...]
    affinity: FloatArray  # P×P, symmetric, finite, ≥ 0, zero diagonal
    table_size: int
    rounds: int
    roles: Mapping[Id, frozenset[str]]
    quotas: tuple[TableQuota, ...]
    fixed_seats: Mapping[Id, int]  # participant -> 1-based table number, for every round
    table_sizes: tuple[int, ...]  # sizes of tables 1..T (s then s−1)


@dataclass(frozen=True)
class RepeatedPair:
    first: Id
    second: Id
    times: int  # how many times they shared a table (≥ 2), played rounds included


@dataclass(frozen=True)
class TablePlan:
    """A room plan with claims that :func:`plan_verify` recomputes from ``schedule``.

    ``schedule[r][t]`` lists the participants at table ``t + 1`` in round ``r + 1``.
    ``repeats`` counts extra meetings: a pair that shares a table k times adds k − 1.
    """

    request: TableRequest
    schedule: tuple[tuple[tuple[Id, ...], ...], ...]
    repeats: int
    repeated_pairs: tuple[RepeatedPair, ...]
    quota_violations: tuple[QuotaViolation, ...]
    affinity_total: float
    affinity_bound: float  # star bound: half the sum over people of their best R(s−1) affinities
    rounds_bound: int  # floor((P − 1) / (s − 1))
    zero_repeats_proven_infeasible: bool
    infeasibility_reason: str | None
    quotas_proven_infeasible: bool
    method: str
    played_rounds: int = 0
    notes: tuple[str, ...] = ()
    itineraries: Mapping[Id, tuple[int | None, ...]] = field(default_factory=dict)
    itinerary_lines: Mapping[Id, str] = field(default_factory=dict)

    @property
    def repeat_free(self) -> bool:
        return self.repeats == 0

    @property
    def affinity_ratio(self) -> float:
        """Affinity as a share of the star bound (1.0 when the bound is 0)."""
        return self.affinity_total / self.affinity_bound if self.affinity_bound > 0 else 1.0


@dataclass(frozen=True)
class PlanCheck:
    """What :func:`plan_verify` recomputed, and every claim of the plan that did not hold."""

    repeats: int
    quota_violations: tuple[QuotaViolation, ...]
    affinity_total: float
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def index_of(participants: Sequence[Id]) -> dict[Id, int]:
    return {person: i for i, person in enumerate(participants)}
