"""Reciprocal scores between given members, for room plans and 1:1 pairing (the engine's harmonic mean)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from pairs.members.models import Member
from pairs_engine import matching as engine

from .services import weight_set_active
from .translate import engine_profiles, rome_graph


def affinity_matrix(*, member_ids: Sequence[int]) -> NDArray[np.float64]:
    """P×P symmetric matrix of reciprocal scores in [0, 1] (zero diagonal), in the order of ``member_ids``.

    Every member is scored, consent (a) or not: this is about seating people who
    registered for the same rencontre, not about showing anyone to anyone.
    """
    ids = list(member_ids)
    size = len(ids)
    matrix = np.zeros((size, size), dtype=np.float64)
    if size < 2:
        return matrix
    profiles = engine_profiles(Member.objects.filter(pk__in=ids))
    index = engine.build_index(profiles, rome=rome_graph())
    rows = np.asarray([index.row_of.get(i, -1) for i in ids], dtype=np.int64)
    known = np.flatnonzero(rows >= 0)
    if known.size < 2:
        return matrix
    left, right = np.meshgrid(known, known, indexing="ij")
    score, _forward, _backward = engine.pair_scores(
        index, rows[left.ravel()], rows[right.ravel()], engine.Weights.from_dict(weight_set_active().weights)
    )
    matrix[np.ix_(known, known)] = score.reshape(known.size, known.size)
    matrix = (matrix + matrix.T) / 2.0  # the harmonic mean is symmetric; this removes float noise
    np.fill_diagonal(matrix, 0.0)
    return matrix


def pair_reasons(*, member_id: int, other_id: int) -> list[dict[str, object]]:
    """Why these two should meet, as seen by ``member_id`` (French sentences)."""
    profiles = engine_profiles(Member.objects.filter(pk__in=[member_id, other_id]))
    index = engine.build_index(profiles, rome=rome_graph())
    if member_id not in index.row_of or other_id not in index.row_of:
        return []
    reasons = engine.explain_pair(
        index,
        index.row_of[member_id],
        index.row_of[other_id],
        engine.Weights.from_dict(weight_set_active().weights),
    )
    return [{"code": r.code, "text": r.text, "weight": r.weight} for r in reasons]
