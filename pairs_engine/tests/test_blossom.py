"""Weighted blossom algorithm: optimum and certificate against networkx on small graphs."""

import time

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pytest

from pairs_engine.planning.blossom import certify, max_weight_matching, start_from_half_integral
from pairs_engine.planning.pairing import _clean_edges, _Graph, _lp_duals, _relaxation, match_arrays
from pairs_engine.tests.test_pairing import _knn_graph


def _graph(seed: int, kind: str) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 36))
    m = int(rng.integers(0, 4 * n + 1))
    u = rng.integers(0, n, m)
    v = rng.integers(0, n, m)
    if kind == "float":
        w = rng.random(m)
    elif kind == "ties":
        w = rng.integers(1, 4, m).astype(float)  # many equal weights: blossoms and expansions
    elif kind == "unit":
        w = np.ones(m)  # maximum cardinality
    else:
        w = rng.integers(1, 1000, m).astype(float)
    if seed % 5 == 0 and n > 4:  # two pieces and isolated members
        keep = (u < n // 2) == (v < n // 2)
        u, v, w = u[keep], v[keep], w[keep]
    cu, cv, cw = _clean_edges(n, u, v, w)
    return n, cu, cv, cw


def _optimum(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> float:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
    return float(sum(graph[a][b]["weight"] for a, b in nx.max_weight_matching(graph)))


def _check(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, mate: np.ndarray, weight: float) -> None:
    paired = np.flatnonzero(mate >= 0)
    assert (mate[mate[paired]] == paired).all()
    edges = set(zip(u.tolist(), v.tolist(), strict=True))
    assert all(
        (min(a, b), max(a, b)) in edges for a, b in zip(paired.tolist(), mate[paired].tolist(), strict=True)
    )
    assert weight == pytest.approx(float(w[mate[u] == v].sum()), abs=1e-9)


@pytest.mark.parametrize("kind", ["float", "ties", "unit", "integer"])
def test_cold_start_is_optimal_and_certified(kind: str) -> None:
    for seed in range(60):
        n, u, v, w = _graph(seed, kind)
        result = max_weight_matching(n, u, v, w)
        optimum = _optimum(n, u, v, w)
        _check(n, u, v, w, result.mate, result.weight)
        assert result.finished
        assert result.weight == pytest.approx(optimum, rel=1e-12, abs=1e-9)
        assert result.bound == pytest.approx(optimum, rel=1e-9, abs=1e-9)  # the duals prove it


@pytest.mark.parametrize("kind", ["float", "ties"])
def test_warm_start_from_the_fractional_lp(kind: str) -> None:
    for seed in range(40):
        n, u, v, w = _graph(100 + seed, kind)
        graph = _Graph(n, u, v, w)
        _, perm = _relaxation(graph)
        y = _lp_duals(graph, perm)
        start = start_from_half_integral(perm, y)
        paired = np.flatnonzero(start >= 0)
        assert (start[start[paired]] == paired).all()
        result = max_weight_matching(n, u, v, w, mate=start, y=y)
        optimum = _optimum(n, u, v, w)
        _check(n, u, v, w, result.mate, result.weight)
        assert result.roots <= n
        assert result.weight == pytest.approx(optimum, rel=1e-12, abs=1e-9)
        assert result.bound == pytest.approx(optimum, rel=1e-9, abs=1e-9)


def test_tiny_windows_and_a_non_tight_start_are_handled() -> None:
    for seed in range(40):
        n, u, v, w = _graph(300 + seed, "ties" if seed % 2 else "float")
        rng = np.random.default_rng(seed)
        mate = np.full(n, -1, dtype=np.int64)
        for a, b in zip(
            u.tolist(), v.tolist(), strict=True
        ):  # any matching: edges that are not tight are dropped
            if mate[a] < 0 and mate[b] < 0 and rng.random() < 0.5:
                mate[a], mate[b] = b, a
        y = np.zeros(n)
        if w.size:
            np.maximum.at(y, np.concatenate([u, v]), np.concatenate([w, w]))  # feasible, loose
        result = max_weight_matching(n, u, v, w, mate=mate, y=y, window=1e-7)
        _check(n, u, v, w, result.mate, result.weight)
        assert result.weight == pytest.approx(_optimum(n, u, v, w), rel=1e-12, abs=1e-9)


def test_deadline_keeps_a_valid_matching_and_bound() -> None:
    rng = np.random.default_rng(7)
    n = 150
    u = np.repeat(np.arange(n), 6)
    v = rng.integers(0, n, 6 * n)
    n, u, v, w = n, *_clean_edges(n, u, v, rng.random(6 * n))
    result = max_weight_matching(n, u, v, w, deadline=time.monotonic() - 1.0)
    assert not result.finished
    optimum = _optimum(n, u, v, w)
    _check(n, u, v, w, result.mate, result.weight)
    assert result.weight <= optimum + 1e-9 <= result.bound + 2e-9
    # In match_arrays, an interrupted search still gives a valid matching and a true bound.
    for limit in (0, 10**6):  # from the Jacobi dual, and from the LP relaxation
        interrupted = match_arrays(
            n, u, v, w, exact_limit=0, blossom_share=0.0, time_budget=0.5, relaxation_limit=limit
        )
        assert interrupted.weight <= optimum + 1e-9 <= interrupted.upper_bound + 2e-9


def test_certify_covers_every_edge() -> None:
    u = np.array([0, 1, 0])
    v = np.array([1, 2, 2])
    w = np.array([1.0, 1.0, 1.0])  # a triangle: optimum 1, LP 1.5, with its odd set 1
    assert certify(3, u, v, w, np.zeros(3), [], np.zeros(0)) == pytest.approx(3.0)  # shortfalls added
    assert certify(3, u, v, w, np.full(3, 0.5), [], np.zeros(0)) == pytest.approx(1.5)
    assert certify(3, u, v, w, np.zeros(3), [np.arange(3)], np.array([1.0])) == pytest.approx(1.0)
    assert max_weight_matching(3, u, v, w).bound == pytest.approx(1.0)
    empty = max_weight_matching(4, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    assert empty.weight == 0.0
    assert empty.bound == 0.0
    assert (empty.mate == -1).all()


def test_match_arrays_is_exact_with_the_blossom_algorithm() -> None:
    n = 300
    u, v, w = _knn_graph(n, 8, seed=3)
    result = match_arrays(n, u, v, w, exact_limit=0)
    cu, cv, cw = _clean_edges(n, u, v, w)
    assert result.exact
    assert "Edmonds" in result.method
    assert result.weight == pytest.approx(_optimum(n, cu, cv, cw), rel=1e-12)
    assert result.gap <= 1e-9 * result.upper_bound
    # Without the LP relaxation (warm start from the Jacobi dual instead): the same optimum.
    cold = match_arrays(n, u, v, w, exact_limit=0, relaxation_limit=0)
    assert cold.exact
    assert cold.weight == pytest.approx(result.weight, rel=1e-12)
    # Without the blossom algorithm (and no integer program) the same graph is only bounded.
    fallback = match_arrays(n, u, v, w, exact_limit=0, blossom_limit=0, time_budget=1.0)
    assert fallback.weight <= result.weight + 1e-9 <= fallback.upper_bound + 1e-9
