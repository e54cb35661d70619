#!/usr/bin/env python3
"""Benchmark of the event planner and the 1:1 pairing, with named anchors in the same run.

    .venv/bin/python bench/planning.py            # full run (≤ 10 min on the 2-core machine)
    .venv/bin/python bench/planning.py --quick    # < 1 min: smaller anchors and budgets

Pairing: members on a sphere in 8 dimensions, each with its top-k = 30 candidates
(cosine similarity, plus a little noise per list, as a reciprocal score would have);
our ``match_arrays`` against networkx and rustworkx ``max_weight_matching`` (exact) and a
greedy matching; the ratio is to our upper bound (and to the true optimum where an
exact anchor ran). Then 12 simulated monthly rounds with a growing set of past pairs.
Planner: social golfer instances (groups-size-rounds), the affinity instance
P = 300, s = 6, R = 8 with three role quotas against the star bound, and a small
instance against OR-Tools CP-SAT's proven optimum. Timings are wall-clock on a shared
machine. ortools, rustworkx and networkx are imported here only (bench dependencies).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pairs_engine.planning import TableQuota, plan_tables, plan_verify, simulate_rounds  # noqa: E402
from pairs_engine.planning.pairing import (  # noqa: E402
    _clean_edges,
    _Graph,
    _greedy_complete,
    _matching_weight,
    match_arrays,
)

K = 30


def candidate_graph(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    dist, idx = cKDTree(x).query(x, k=K + 1)
    u = np.repeat(np.arange(n), K)
    v = idx[:, 1:].ravel()
    w = np.clip(1 - dist[:, 1:].ravel() ** 2 / 2, 0, None) + rng.random(n * K) * 0.05
    return u.astype(np.int64), v.astype(np.int64), w


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_pairing(quick: bool) -> None:
    print("\n## 1:1 pairing (top-k = 30 candidates, weights ~ cosine)")
    print(
        f"{'n':>7} {'méthode':<28} {'poids':>12} {'borne sup.':>12} {'ratio':>9} {'/optimum':>9} {'temps s':>8}"
    )
    sizes = [300, 2_000] if quick else [1_000, 4_000, 10_000, 20_000, 100_000]
    nx_limit = 300 if quick else 1_000
    # rustworkx needs ~56 s at 20,000 on an idle machine but 499 s under our shared-machine load:
    # it anchors up to 10,000 so that the full run stays within 10 minutes.
    rx_limit = 2_000 if quick else 10_000
    for n in sizes:
        u, v, w = candidate_graph(n, seed=n)
        ours, t_ours = timed(lambda: match_arrays(n, u, v, w, time_budget=10.0))  # noqa: B023
        optimum = None
        rows = []
        if n <= rx_limit:
            import rustworkx as rx

            cu, cv, cw = _clean_edges(n, u, v, w)
            graph = rx.PyGraph()
            graph.add_nodes_from(range(n))
            # rustworkx wants integer weights: micro-units (the optimum moves by < 1e-6 per pair).
            scaled = np.round(cw * 1e6).astype(np.int64).tolist()
            graph.add_edges_from(list(zip(cu.tolist(), cv.tolist(), scaled, strict=True)))
            m, t = timed(lambda: rx.max_weight_matching(graph, weight_fn=int))  # noqa: B023
            weights = {(a, b): c for a, b, c in zip(cu.tolist(), cv.tolist(), cw.tolist(), strict=True)}
            optimum = sum(weights[(min(a, b), max(a, b))] for a, b in m)
            rows.append(("rustworkx (exact)", optimum, t))
        if n <= nx_limit:
            import networkx as nx

            cu, cv, cw = _clean_edges(n, u, v, w)
            g = nx.Graph()
            g.add_weighted_edges_from(zip(cu.tolist(), cv.tolist(), cw.tolist(), strict=True))
            m, t = timed(lambda: nx.max_weight_matching(g))  # noqa: B023
            value = sum(g[a][b]["weight"] for a, b in m)
            optimum = value if optimum is None else optimum
            rows.append(("networkx (exact)", value, t))
        cu, cv, cw = _clean_edges(n, u, v, w)
        graph_ = _Graph(n, cu, cv, cw)
        greedy, t_greedy = timed(lambda: _greedy_complete(graph_, np.full(n, -1, dtype=np.int64)))  # noqa: B023
        rows.append(("glouton", _matching_weight(graph_, greedy), t_greedy))
        label = "nous (exact prouvé)" if ours.exact else "nous (écart certifié)"
        rows.insert(0, (label, ours.weight, t_ours))
        for name, value, t in rows:
            vs_opt = f"{value / optimum:.5f}" if optimum else "—"
            print(
                f"{n:>7} {name:<28} {value:>12.3f} {ours.upper_bound:>12.3f} {value / ours.upper_bound:>9.5f} {vs_opt:>9} {t:>8.2f}"
            )
        print(
            f"{'':>7} écart à la borne : {ours.gap:.3f} ({100 * ours.gap / ours.upper_bound:.3f} %) — {ours.method}"
        )
    n = 600 if quick else 2_000
    u, v, w = candidate_graph(n, seed=99)
    members = list(range(n))
    candidates: dict[int, list[tuple[int, float]]] = {i: [] for i in members}
    for a, b, c in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
        candidates[a].append((b, c))
    (results, repeats), t = timed(
        lambda: simulate_rounds(
            members=members, candidates=candidates, rounds=12, time_budget=5.0, exact_limit=0
        )
    )
    worst = max(r.relative_gap for r in results)
    print(
        f"12 tours simulés, n = {n} : {repeats} binôme(s) répété(s), pire écart {100 * worst:.3f} %, {t:.1f} s"
    )


def bench_feasibility(quick: bool) -> None:
    print("\n## Faisabilité (golfeurs sociaux, groupes-taille-tours), budget 10 s")
    print(f"{'instance':<9} {'doublons':>8} {'prouvé impossible':>18} {'temps s':>8}  méthode")
    instances = [(8, 4, 10), (8, 4, 9), (5, 3, 7), (6, 3, 8), (4, 4, 5), (6, 6, 3), (6, 6, 4)]
    for groups, size, rounds in instances:
        people = groups * size
        plan, t = timed(
            lambda: plan_tables(
                participants=list(range(people)),  # noqa: B023
                affinity=np.zeros((people, people)),  # noqa: B023
                table_size=size,  # noqa: B023
                rounds=rounds,  # noqa: B023
                time_budget=10.0,
                seed=1,
            )
        )
        assert plan_verify(plan).ok
        print(
            f"{groups}-{size}-{rounds:<5} {plan.repeats:>8} {'oui' if plan.zero_repeats_proven_infeasible else 'non':>18} {t:>8.2f}  {plan.method}"
        )


def affinity_instance(people: int, seed: int) -> tuple[np.ndarray, dict[int, set[str]]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(people, 6))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    affinity = np.clip(x @ x.T, 0, None)
    np.fill_diagonal(affinity, 0)
    roles: dict[int, set[str]] = {}
    for i in range(people):
        r = rng.random()
        if r < 0.30:
            roles[i] = {"pas d'avance"}
        elif r < 0.38:
            roles[i] = {"recruteur"}
        elif r < 0.58:
            roles[i] = {"en poste"}
    return affinity, roles


QUOTAS = [
    TableQuota("pas d'avance", minimum=1),
    TableQuota("recruteur", maximum=1),
    TableQuota("en poste", maximum=2),
]


def bench_affinity(quick: bool) -> None:
    budget = 8.0 if quick else 30.0
    print(f"\n## Affinité, P = 300, s = 6, R = 8, trois rôles à quotas, budget {budget:.0f} s")
    affinity, roles = affinity_instance(300, 3)
    plan, t = timed(
        lambda: plan_tables(
            participants=list(range(300)),
            affinity=affinity,
            table_size=6,
            rounds=8,
            roles=roles,
            quotas=QUOTAS,
            time_budget=budget,
            seed=0,
        )
    )
    assert plan_verify(plan).ok
    print(
        f"affinité {plan.affinity_total:.2f} / borne étoile {plan.affinity_bound:.2f} = {plan.affinity_ratio:.4f} ; "
        f"doublons {plan.repeats} ; écarts aux quotas {len(plan.quota_violations)} ; {t:.1f} s"
    )
    # A valid bound never looser than the star bound (LP of the degree-R(s−1) partner graph).
    from pairs_engine.planning.bounds import degree_bound

    lp = degree_bound(affinity, 8, plan.request.table_sizes)
    print(f"borne LP des degrés {lp:.2f} : ratio {plan.affinity_total / lp:.4f} (référence : étoile)")
    cases = (
        [(9, 3, 3, 30.0, 3.0)]
        if quick
        else [(12, 3, 1, 60.0, 2.0), (9, 3, 3, 60.0, 5.0), (12, 3, 3, 60.0, 10.0), (24, 4, 4, 60.0, 10.0)]
    )
    for people, size, rounds, cp_limit, our_budget in cases:
        print(f"\n## Petit cas contre CP-SAT, P = {people}, s = {size}, R = {rounds} (poids entiers 0–100)")
        affinity, _ = affinity_instance(people, 5)
        w = np.round(affinity * 100).astype(int)
        ours, t_ours = timed(
            lambda: plan_tables(
                participants=list(range(people)),  # noqa: B023
                affinity=w.astype(float),  # noqa: B023
                table_size=size,  # noqa: B023
                rounds=rounds,  # noqa: B023
                time_budget=our_budget,  # noqa: B023
                seed=0,
            )
        )
        optimum, status, t_cp = cp_sat_optimum(w, size, rounds, time_limit=cp_limit)
        ratio = ours.affinity_total / optimum if optimum else float("nan")
        print(
            f"nous {ours.affinity_total:.0f} (doublons {ours.repeats}, {t_ours:.1f} s) ; "
            f"CP-SAT {optimum:.0f} ({status}, {t_cp:.1f} s) ; ratio {ratio:.4f}"
        )
        # How far even the best plan can sit under the star bound (exact when CP-SAT says OPTIMAL).
        print(
            f"borne étoile {ours.affinity_bound:.0f} : CP-SAT / étoile {optimum / ours.affinity_bound:.4f}, "
            f"nous / étoile {ours.affinity_total / ours.affinity_bound:.4f}"
        )


def cp_sat_optimum(w: np.ndarray, size: int, rounds: int, time_limit: float) -> tuple[float, str, float]:
    from ortools.sat.python import cp_model

    people = w.shape[0]
    tables = people // size
    model = cp_model.CpModel()
    x = {
        (p, r, t): model.NewBoolVar(f"x{p}_{r}_{t}")
        for p in range(people)
        for r in range(rounds)
        for t in range(tables)
    }
    for p in range(people):
        for r in range(rounds):
            model.AddExactlyOne(x[p, r, t] for t in range(tables))
    for r in range(rounds):
        for t in range(tables):
            model.Add(sum(x[p, r, t] for p in range(people)) == size)
    # Only the table numbering is symmetric (people have their own affinities): number the
    # tables of each round by their smallest member, so person p never sits past table p.
    for r in range(rounds):
        for p in range(people):
            for t in range(p + 1, tables):
                model.Add(x[p, r, t] == 0)
    objective = []
    for p in range(people):
        for q in range(p + 1, people):
            meets = []
            for r in range(rounds):
                for t in range(tables):
                    y = model.NewBoolVar("")
                    model.AddBoolAnd([x[p, r, t], x[q, r, t]]).OnlyEnforceIf(y)
                    model.AddBoolOr([x[p, r, t].Not(), x[q, r, t].Not()]).OnlyEnforceIf(y.Not())
                    meets.append(y)
            model.Add(sum(meets) <= 1)  # no pair twice
            if w[p, q]:
                objective.append(int(w[p, q]) * sum(meets))
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    start = time.perf_counter()
    status = solver.Solve(model)
    return solver.ObjectiveValue(), solver.StatusName(status), time.perf_counter() - start


def bench_speed_meetings(quick: bool) -> None:
    """Room sizes a consultant meets, near the round bound, with affinity and a step-ahead quota.

    References in the same run, same seed and budget: the planner without its conflict repair,
    and its local search alone (no construction, no repair: the search as it was before both).
    """
    from pairs_engine.planning import tables

    budget = 4.0 if quick else 8.0  # 8 s: what the product gives a plan (PLANNING_SECONDS)
    print(
        f"\n## Salles réelles près de la borne des tours : affinité + « pas d'avance » ≥ 1 par table, {budget:.0f} s"
    )
    print("doublons / écarts aux quotas / affinité (part de la borne étoile)")
    print(
        f"{'P-s-R':<10} {'borne R':>7}  {'planificateur':<20}  {'sans réparation':<20}  recherche locale seule"
    )
    cases = [(48, 6, 6), (60, 6, 7), (90, 6, 10)] if quick else [
        (48, 6, 5), (48, 6, 6), (60, 6, 7), (60, 6, 8), (60, 5, 10), (36, 4, 10), (90, 6, 10), (120, 6, 13)
    ]  # fmt: skip
    share, construction = tables.REPAIR_SHARE, tables._from_construction
    for people, size, rounds in cases:
        affinity, _ = affinity_instance(people, 7)
        roles = {i: {"pas d'avance"} for i in range(people) if i % 4 == 0}
        cells = []
        for variant in ("full", "no repair", "local only"):
            tables.REPAIR_SHARE = share if variant == "full" else 0.0
            tables._from_construction = construction if variant != "local only" else (lambda *_a: None)
            plan = plan_tables(
                participants=list(range(people)),
                affinity=affinity,
                table_size=size,
                rounds=rounds,
                roles=roles,
                quotas=[TableQuota("pas d'avance", minimum=1)],
                time_budget=budget,
                seed=1,
            )
            assert plan_verify(plan).ok
            cells.append(f"{plan.repeats:>3} / {len(plan.quota_violations):>2} / {plan.affinity_ratio:.3f}")
        tables.REPAIR_SHARE, tables._from_construction = share, construction
        bound = (people - 1) // (size - 1)
        print(f"{people}-{size}-{rounds:<6} {bound:>7}  {cells[0]:<20}  {cells[1]:<20}  {cells[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="petite exécution (< 1 min)")
    parser.add_argument(
        "--only", choices=["pairing", "feasibility", "rooms", "affinity"], help="une seule partie"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    if args.only in (None, "pairing"):
        bench_pairing(args.quick)
    if args.only in (None, "feasibility"):
        bench_feasibility(args.quick)
    if args.only in (None, "rooms"):
        bench_speed_meetings(args.quick)
    if args.only in (None, "affinity"):
        bench_affinity(args.quick)
    print(f"\nDurée totale : {time.perf_counter() - start:.0f} s (machine partagée, 2 cœurs)")


if __name__ == "__main__":
    main()
