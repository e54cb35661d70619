"""Bounds that make the quality of a plan visible, and proofs that 0 repeats is out of reach.

- ``rounds_bound``: each round a person meets s − 1 new people, so at most
  floor((P − 1) / (s − 1)) rounds can be repeat-free when every table is full.
- ``star_bound``: each person's affinity in a plan is at most the sum of their best
  R(s − 1) affinities; half the sum over people bounds the plan's total.
- ``zero_repeat_infeasibility``: a French reason when 0 repeats is proven impossible.
"""

from __future__ import annotations

import math

import numpy as np

from pairs_engine.planning.types import FloatArray, TableQuota


def table_sizes(participants: int, table_size: int) -> tuple[int, ...] | None:
    """Sizes of the tables: as many tables of s as possible, the last ones of s − 1; None if impossible."""
    tables = math.ceil(participants / table_size)
    short = tables * table_size - participants
    if short > tables:
        return None
    return (table_size,) * (tables - short) + (table_size - 1,) * short


def rounds_bound(participants: int, table_size: int) -> int:
    return (participants - 1) // (table_size - 1) if table_size > 1 else 0


def star_bound(affinity: FloatArray, rounds: int, sizes: tuple[int, ...], *, distinct: bool = True) -> float:
    """Half the sum over people of their best R(s − 1) affinities (s = the largest table).

    It holds for plans where nobody meets anyone twice (``distinct``); a plan with repeats
    can meet its best partner again, so its bound is R times half the best s − 1 per person.
    """
    people = affinity.shape[0]
    if not distinct:
        best = -np.sort(-affinity, axis=1)[:, : max(sizes) - 1]
        return float(rounds * best.sum() / 2.0)
    per_person = min(rounds * (max(sizes) - 1), people - 1)
    if per_person <= 0:
        return 0.0
    # The diagonal is zero and affinities are ≥ 0, so it never displaces a real partner.
    top = -np.sort(-affinity, axis=1)[:, :per_person]
    return float(top.sum() / 2.0)


def _is_sum_of_two_squares(n: int) -> bool:
    return any(math.isqrt(n - a * a) ** 2 == n - a * a for a in range(math.isqrt(n) + 1))


def zero_repeat_infeasibility(participants: int, sizes: tuple[int, ...], rounds: int) -> str | None:
    """Why no plan can be repeat-free, in French; None when no proof is known (not a promise)."""
    pairs_per_round = sum(size * (size - 1) // 2 for size in sizes)
    all_pairs = participants * (participants - 1) // 2
    if rounds * pairs_per_round > all_pairs:
        return (
            f"{rounds} tours × {pairs_per_round} paires par tour dépassent les {all_pairs} paires possibles : "
            "des personnes se retrouveront forcément."
        )
    smallest = min(sizes)
    if rounds * (smallest - 1) > participants - 1:
        return (
            f"Chaque personne rencontre au moins {smallest - 1} personnes par tour : {rounds} tours en demandent "
            f"{rounds * (smallest - 1)}, or il n'y a que {participants - 1} autres participant·es."
        )
    if rounds >= 2 and max(sizes) > len(sizes):
        return (
            f"Au 2e tour, une table de {max(sizes)} réunit forcément deux personnes venues de la même table "
            f"du 1er tour : il n'y a que {len(sizes)} tables."
        )
    size = sizes[0]
    if participants == size * size and all(s == size for s in sizes):
        # A repeat-free plan of s² people in tables of s over R rounds is a net with R parallel
        # classes, which is equivalent to R − 2 mutually orthogonal Latin squares of order s.
        if size == 6 and rounds >= 4:
            return (
                "36 personnes en tables de 6 sur 4 tours ou plus sans doublon exigeraient deux carrés latins "
                "orthogonaux d'ordre 6, qui n'existent pas (problème des 36 officiers d'Euler, Tarry 1900)."
            )
        if rounds >= size:
            # R = s + 1 is an affine plane of order s; R = s is a net of deficiency one, which can
            # always be completed to an affine plane (Bruck), so both need a plane of order s.
            if size == 10:
                return "Il faudrait un plan affine d'ordre 10, qui n'existe pas (Lam, Thiel et Swiercz 1989)."
            if size % 4 in (1, 2) and not _is_sum_of_two_squares(size):
                return (
                    f"Il faudrait un plan affine d'ordre {size}, exclu par le théorème de Bruck–Ryser "
                    f"({size} ≡ {size % 4} mod 4 n'est pas une somme de deux carrés)."
                )
    return None


def quota_infeasibility(
    sizes: tuple[int, ...], quotas: tuple[TableQuota, ...], role_counts: dict[str, int]
) -> list[str]:
    """French reasons why the quotas cannot all hold at every table (counting arguments only)."""
    reasons = []
    tables = len(sizes)
    for quota in quotas:
        have = role_counts.get(quota.role, 0)
        if quota.minimum * tables > have:
            reasons.append(
                f"Il faudrait au moins {quota.minimum * tables} « {quota.role} » pour {tables} tables, "
                f"il n'y en a que {have}."
            )
        if quota.maximum is not None and quota.maximum * tables < have:
            reasons.append(
                f"{have} « {quota.role} » ne tiennent pas à {quota.maximum} au plus par table sur {tables} tables."
            )
        if quota.minimum > min(sizes):
            reasons.append(
                f"Au moins {quota.minimum} « {quota.role} » ne tiennent pas à une table de {min(sizes)}."
            )
    return reasons


def degree_bound(affinity: FloatArray, rounds: int, sizes: tuple[int, ...]) -> float:
    """A valid upper bound at least as tight as the star bound, for repeat-free plans: the LP.

    The pairs met in a repeat-free plan form a simple graph where each person has at most
    R(s − 1) partners; the heaviest such graph (a b-matching) bounds the total affinity, and
    so does its linear relaxation ``max Σ w·x, Σ_j x_ij ≤ R(s − 1), 0 ≤ x ≤ 1`` solved here
    by HiGHS. The star bound is a feasible dual solution of that LP, so this is never looser.
    It ignores that table-mates must also sit with each other, which the star bound ignores too.
    """
    from scipy.optimize import linprog  # type: ignore[import-untyped]
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    people = affinity.shape[0]
    degree = min(rounds * (max(sizes) - 1), people - 1)
    rows, cols = np.triu_indices(people, 1)
    weights = affinity[rows, cols]
    keep = weights > 0
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    if weights.size == 0 or degree <= 0:
        return 0.0
    edges = np.arange(weights.size)
    incidence = csr_matrix(
        (np.ones(2 * weights.size), (np.concatenate([rows, cols]), np.concatenate([edges, edges]))),
        shape=(people, weights.size),
    )
    result = linprog(
        -weights, A_ub=incidence, b_ub=np.full(people, float(degree)), bounds=(0.0, 1.0), method="highs"
    )
    star = star_bound(affinity, rounds, sizes)
    if result.status != 0:
        return star
    # Any y ≥ 0 gives the valid bound R(s − 1)·Σ y + Σ_pairs max(0, w − y_i − y_j) (LP duality):
    # evaluate it at HiGHS' duals, so solver tolerances cannot make the bound too low.
    y = np.maximum(0.0, -np.asarray(result.ineqlin.marginals, dtype=np.float64))
    slack = np.maximum(0.0, weights - y[rows] - y[cols]).sum()
    return float(min(degree * y.sum() + slack, star))
