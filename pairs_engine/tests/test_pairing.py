"""1:1 pairing: exact against networkx, past pairs, odd counts, gap, bad input."""

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pytest

from pairs_engine.planning import PlanningError, pair_round, simulate_rounds
from pairs_engine.planning.pairing import (
    _clean_edges,
    _connect_odd_cycles,
    _Graph,
    _local_bound,
    _lp_duals,
    _matching_weight,
    _relaxation,
    match_arrays,
)


def _random_graph(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    u = np.repeat(np.arange(n), k)
    v = rng.integers(0, n, size=n * k)
    w = np.round(rng.random(n * k), 3)
    return u, v, w


def _nx_optimum(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> float:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for a, b, weight in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
        if a != b and weight > 0 and (not graph.has_edge(a, b) or graph[a][b]["weight"] < weight):
            graph.add_edge(a, b, weight=weight)
    return float(sum(graph[a][b]["weight"] for a, b in nx.max_weight_matching(graph)))


@pytest.mark.parametrize("seed", range(8))
def test_exact_equals_networkx_on_small_random_graphs(seed: int) -> None:
    n = 12 + 7 * seed
    u, v, w = _random_graph(n, 3, seed)
    result = match_arrays(n, u, v, w, time_budget=30)
    assert result.exact
    assert result.weight == pytest.approx(_nx_optimum(n, u, v, w), abs=1e-9)
    mate = result.mate
    assert all(mate[mate[i]] == i for i in range(n) if mate[i] >= 0)


@pytest.mark.parametrize("seed", range(4))
def test_approximation_reports_a_true_gap(seed: int) -> None:
    n = 160
    u, v, w = _random_graph(n, 4, seed + 100)
    # blossom_limit=0: the approximate path (the blossom algorithm would make it exact).
    result = match_arrays(
        n, u, v, w, exact_limit=0, relaxation_limit=0 if seed % 2 else 10**6, blossom_limit=0
    )
    optimum = _nx_optimum(n, u, v, w)
    assert result.gap >= 0
    assert result.weight <= optimum + 1e-9 <= result.upper_bound + 2e-9
    if not result.exact:
        assert result.upper_bound - result.weight == pytest.approx(result.gap)


def _candidates(n: int, k: int, seed: int) -> dict[str, list[tuple[str, float]]]:
    rng = np.random.default_rng(seed)
    points = rng.normal(size=(n, 4))
    sims = points @ points.T
    out = {}
    for i in range(n):
        order = [j for j in np.argsort(-sims[i]) if j != i][:k]
        out[f"m{i}"] = [(f"m{j}", float(1 + sims[i, j] / 10)) for j in order]
    return out


def test_past_pairs_are_never_repeated_over_twelve_rounds() -> None:
    members = [f"m{i}" for i in range(41)]
    results, repeats = simulate_rounds(
        members=members, candidates=_candidates(41, 20, 1), rounds=12, exact_limit=0, time_budget=1.0
    )
    assert repeats == 0
    seen: set[frozenset[object]] = set()
    for result in results:
        for pair in result.met_pairs():
            assert pair not in seen
            seen.add(pair)
        placed = [m for p in result.pairs for m in p] + [t[0] for t in result.trios]
        assert len(set(placed)) == len(placed)


def test_odd_count_trio_or_priority() -> None:
    members = [f"m{i}" for i in range(9)]
    candidates = _candidates(9, 8, 2)
    trio = pair_round(members=members, candidates=candidates, odd="trio")
    assert len(trio.pairs) == 4
    assert len(trio.trios) == 1
    assert not trio.priority
    _newcomer, a, b = trio.trios[0]
    assert (a, b) in trio.pairs or (b, a) in trio.pairs
    assert any("trio" in note for note in trio.notes)
    waiting = pair_round(members=members, candidates=candidates, odd="priority")
    assert len(waiting.priority) == 1
    assert not waiting.trios


def test_dense_weights_and_past_pairs() -> None:
    w = np.array([[0, 5, 1, 1], [5, 0, 1, 1], [1, 1, 0, 5], [1, 1, 5, 0]], dtype=float)
    first = pair_round(members=list("abcd"), candidates=w)
    assert {frozenset(p) for p in first.pairs} == {frozenset("ab"), frozenset("cd")}
    assert first.exact
    assert first.total_weight == 10
    second = pair_round(members=list("abcd"), candidates=w, past_pairs=[("a", "b"), ("d", "c")])
    assert {frozenset(p) for p in second.pairs}.isdisjoint({frozenset("ab"), frozenset("cd")})
    assert second.total_weight == 2


def test_fewer_than_two_members_is_an_explicit_empty_result() -> None:
    result = pair_round(members=["seul"], candidates={})
    assert result.pairs == ()
    assert result.reason
    assert "deux" in result.reason
    assert pair_round(members=[], candidates={}).reason


def test_bad_weights_get_french_messages() -> None:
    with pytest.raises(PlanningError, match="NaN"):
        pair_round(members=["a", "b"], candidates={"a": [("b", float("nan"))]})
    with pytest.raises(PlanningError, match="positifs"):
        pair_round(members=["a", "b"], candidates={"a": [("b", -1.0)]})
    with pytest.raises(PlanningError, match="2×2"):
        pair_round(members=["a", "b"], candidates=np.zeros((3, 3)))


def _knn_graph(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k lists on a sphere, as in the benchmark: its LP relaxation has odd cycles."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    v = np.argsort(-sims, axis=1)[:, :k].ravel()
    u = np.repeat(np.arange(n), k)
    w = np.clip(sims[u, v], 0, None) + rng.random(n * k) * 0.05
    return u, v, w


@pytest.mark.parametrize("seed", range(6))
def test_lp_duals_local_bound_and_cycle_paths(seed: int) -> None:
    n = 300
    u, v, w = _knn_graph(n, 6, seed)
    if seed >= 4:
        w = np.round(w * 10) / 10  # ties: the relaxation may have even cycles too
    graph = _Graph(n, *_clean_edges(n, u, v, w))
    bound, perm = _relaxation(graph)
    y = _lp_duals(graph, perm)
    # Feasible for the fractional matching LP and optimal (same value as the relaxation).
    assert (y >= 0).all()
    assert (y[graph.u] + y[graph.v] >= graph.w - 1e-12).all()
    assert y.sum() == pytest.approx(bound, rel=1e-9)
    optimum = _nx_optimum(n, u, v, w)
    local, start, _ = _local_bound(graph, perm, y, deadline=float("inf"))
    assert _matching_weight(graph, start) <= optimum + 1e-9 <= local + 1e-7
    assert optimum - 1e-7 <= local <= y.sum() + 1e-9
    mate = _connect_odd_cycles(graph, perm, y)
    paired = np.flatnonzero(mate >= 0)
    assert (mate[mate[paired]] == paired).all()
    assert (graph.weight(paired, mate[paired]) > 0).all()  # only real edges
    assert _matching_weight(graph, mate) <= optimum + 1e-9


def test_local_bound_is_tighter_than_the_lp_when_the_lp_has_odd_cycles() -> None:
    tighter = 0
    for seed in range(6):
        n = 300
        u, v, w = _knn_graph(n, 6, seed)
        graph = _Graph(n, *_clean_edges(n, u, v, w))
        bound, perm = _relaxation(graph)
        if (perm[perm] != np.arange(n)).any():
            y = _lp_duals(graph, perm)
            tighter += _local_bound(graph, perm, y, deadline=float("inf"))[0] < bound - 1e-6
    assert tighter >= 3
