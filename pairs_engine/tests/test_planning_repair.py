"""Compiled conflict repair of table plans: exact bookkeeping, repairs that hold, fixed seats kept."""

import numpy as np

from pairs_engine.planning import TableQuota, plan_tables, plan_verify
from pairs_engine.planning.repair_kernel import RepairState
from pairs_engine.planning.tables import _greedy, problem_for, repair_state, table_request


def _state(people: int, size: int, rounds: int, *, quota: bool, seed: int = 0) -> RepairState:
    roles: dict[object, set[str]] = {i: {"avance"} for i in range(people) if i % 4 == 0}
    noise = np.random.default_rng(seed).random((people, people))
    request = table_request(
        participants=list(range(people)),
        affinity=noise + noise.T,
        table_size=size,
        rounds=rounds,
        roles=roles,
        quotas=[TableQuota("avance", minimum=1)] if quota else [],
    )
    problem = problem_for(request, rounds)
    return repair_state(problem, _greedy(problem, np.random.default_rng(seed)), seed)


def _cost_from_scratch(state: RepairState) -> int:
    """Repeats and quota penalty recomputed from the plan alone."""
    rounds, people = state.assign.shape
    meet = np.zeros((people, people), dtype=np.int64)
    for r in range(rounds):
        meet += state.assign[r][:, None] == state.assign[r][None, :]
    np.fill_diagonal(meet, 0)
    repeats = int(np.maximum(0, np.triu(meet, 1) - 1).sum())
    assert np.array_equal(meet, state.meet)
    penalty = 0
    for r in range(rounds):
        counts = np.zeros((len(state.sizes), state.tags.shape[1]), dtype=np.int64)
        np.add.at(counts, state.assign[r], state.tags)
        assert np.array_equal(counts, state.counts[r])
        penalty += int((np.maximum(0, state.qmin - counts) + np.maximum(0, counts - state.qmax)).sum())
    return state.repeat_weight * repeats + penalty


def test_bookkeeping_stays_exact_through_moves_and_kicks() -> None:
    state = _state(30, 5, 7, quota=True)  # 6-5-7 has no repeat-free plan: the search never stops early
    assert state.best_cost > 0
    for _ in range(6):
        state.run(400)  # long enough for the stall kicks (200 + 20 P steps) to happen too
        assert int(state.scalars[1]) == _cost_from_scratch(state)
        for r in range(state.assign.shape[0]):
            for t, size in enumerate(state.sizes):
                seated = state.members[r, t, :size]
                assert np.all(state.assign[r, seated] == t)
                assert np.array_equal(state.where[r, seated], np.arange(size))
            assert np.bincount(state.assign[r], minlength=len(state.sizes)).tolist() == list(state.sizes)
    best = state.best_cost
    state.assign[:] = state.best_assign
    state.meet[:] = 0
    for r in range(state.assign.shape[0]):
        state.meet += state.assign[r][:, None] == state.assign[r][None, :]
    np.fill_diagonal(state.meet, 0)
    for r in range(state.assign.shape[0]):
        state.counts[r] = 0
        np.add.at(state.counts[r], state.assign[r], state.tags)
    assert _cost_from_scratch(state) == best  # the kept best plan really has the best cost


def test_repair_removes_the_repeats_of_a_greedy_plan() -> None:
    state = _state(48, 6, 5, quota=False)
    assert state.best_cost > 0  # the greedy plan repeats pairs
    for _ in range(40):
        if state.best_cost == 0:
            break
        state.run(250)
    assert state.best_cost == 0


def test_repair_fixes_quota_breaches_without_adding_repeats() -> None:
    state = _state(24, 4, 1, quota=True)  # one round: no repeat is possible, only quota breaches
    holders = [0, 4, 8, 12, 16, 20]  # the "avance" role; the other 18 have no role
    others = [p for p in range(24) if p not in holders]
    layout = [holders[:4], holders[4:] + others[:2]] + [others[2 + 4 * k : 6 + 4 * k] for k in range(4)]
    seat = np.empty(24, dtype=np.int64)
    for t, table in enumerate(layout):
        seat[table] = t
    fresh = RepairState(
        seat[None, :], tuple(int(x) for x in state.sizes), np.zeros((24, 24), dtype=np.int64),
        state.tags.astype(float), state.qmin.astype(float), np.full(1, np.inf), state.weights,
        np.ones(24, dtype=bool), 0,
    )  # fmt: skip
    assert fresh.best_cost == 4  # four tables without anyone « un pas d'avance »
    fresh.run(100)
    assert fresh.best_cost == 0
    assert sorted(np.bincount(fresh.best_assign[0][holders], minlength=6).tolist()) == [1, 1, 1, 1, 1, 1]


def test_pinned_people_never_move_and_the_planner_claims_hold() -> None:
    people = 48
    plan = plan_tables(
        participants=list(range(people)),
        affinity=np.zeros((people, people)),
        table_size=6,
        rounds=5,
        fixed_seats={0: 1, 7: 3},
        max_iterations=1000,  # 20,000 repair steps at most: reproducible
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    assert plan.repeats == 0
    assert "réparation" in plan.method
    for tables in plan.schedule:
        assert 0 in tables[0]
        assert 7 in tables[2]
