"""Table planner: constructions, honest claims, quotas, fixed seats, re-plan, bad input."""

from collections.abc import Hashable
from itertools import combinations

import numpy as np
import pytest

from pairs_engine.planning import (
    PlanningError,
    TableQuota,
    plan_tables,
    plan_verify,
    replan,
)
from pairs_engine.planning.bounds import rounds_bound, star_bound, table_sizes, zero_repeat_infeasibility
from pairs_engine.planning.designs import affine_plane, circle_method, latin_square_net


def _pairs_once(schedule: list[list[list[int]]]) -> bool:
    seen: set[tuple[int, int]] = set()
    for tables in schedule:
        for table in tables:
            for pair in combinations(sorted(table), 2):
                if pair in seen:
                    return False
                seen.add(pair)
    return True


def _assert_whole_rounds(schedule: list[list[list[int]]], people: int, size: int, rounds: int) -> None:
    """``rounds`` rounds, each seating everyone once at tables of ``size``, no pair twice."""
    assert len(schedule) == rounds
    for tables in schedule:
        assert sorted(p for t in tables for p in t) == list(range(people))
        assert all(len(t) == size for t in tables)
    assert _pairs_once(schedule)


def _random_affinity(people: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    m = rng.random((people, people))
    return (m + m.T) / 2


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9])
def test_affine_planes_are_repeat_free_resolutions(q: int) -> None:
    schedule = affine_plane(q, q + 1)
    assert schedule is not None
    for tables in schedule:
        assert sorted(p for t in tables for p in t) == list(range(q * q))
    assert _pairs_once(schedule)


def test_other_constructions_and_their_limits() -> None:
    assert affine_plane(6, 2) is None  # 6 is not a prime power
    net = latin_square_net(6, 3)
    assert net is not None
    assert _pairs_once(net)
    rr = circle_method(7, 7)
    assert rr is not None
    assert _pairs_once(rr)
    assert sum(len(t) == 2 for t in rr[0]) == 3


@pytest.mark.parametrize(("groups", "size", "rounds"), [(4, 4, 5), (6, 6, 3), (3, 3, 4), (5, 5, 6)])
def test_planner_uses_constructions_and_the_claims_hold(groups: int, size: int, rounds: int) -> None:
    people = groups * size
    plan = plan_tables(
        participants=[f"p{i}" for i in range(people)],
        affinity=_random_affinity(people, 1),
        table_size=size,
        rounds=rounds,
        time_budget=5,
        max_iterations=200,
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    assert check.repeats == 0
    assert plan.repeat_free
    assert "plan affine" in plan.method or "carré latin" in plan.method
    assert plan.affinity_total <= plan.affinity_bound * (1 + 1e-12)


def test_euler_36_officers_is_reported_infeasible_with_an_honest_count() -> None:
    plan = plan_tables(
        participants=list(range(36)), affinity=np.zeros((36, 36)), table_size=6, rounds=4, max_iterations=300
    )
    assert plan.zero_repeats_proven_infeasible
    assert "Euler" in (plan.infeasibility_reason or "")
    assert plan.repeats > 0  # necessarily: the proof says so
    assert plan_verify(plan).ok


@pytest.mark.parametrize("seed", range(6))
def test_claims_are_true_on_random_instances_including_infeasible_ones(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 5))
    people = int(rng.integers(size + 1, 22))
    if table_sizes(people, size) is None:
        people = size * 3
    rounds = int(rng.integers(1, rounds_bound(people, size) + 3))
    roles: dict[object, set[str]] = {i: {"avance"} for i in range(people) if rng.random() < 0.4}
    plan = plan_tables(
        participants=list(range(people)),
        affinity=_random_affinity(people, seed),
        table_size=size,
        rounds=rounds,
        roles=roles,
        quotas=[TableQuota("avance", minimum=1)],
        seed=seed,
        max_iterations=300,
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    if plan.zero_repeats_proven_infeasible:
        assert plan.repeats > 0
    reason = zero_repeat_infeasibility(people, table_sizes(people, size) or (size,), rounds)
    assert plan.zero_repeats_proven_infeasible == (reason is not None)


def test_verify_catches_false_claims() -> None:
    plan = plan_tables(
        participants=list(range(8)), affinity=np.ones((8, 8)), table_size=4, rounds=3, max_iterations=50
    )
    from dataclasses import replace

    lying = replace(plan, repeats=0 if plan.repeats else 1, affinity_total=plan.affinity_total + 1)
    problems = plan_verify(lying).problems
    assert any("doublon" in p for p in problems)
    assert any("affinité" in p for p in problems)
    swapped = replace(plan, schedule=(plan.schedule[0], plan.schedule[0], plan.schedule[0]))
    assert not plan_verify(swapped).ok


def test_quotas_and_fixed_seats_hold() -> None:
    people = 48
    rng = np.random.default_rng(3)
    roles: dict[object, set[str]] = {}
    for i in range(people):
        if i < 14:
            roles[i] = {"pas d'avance"}
        elif i < 20:
            roles[i] = {"recruteur"}
    plan = plan_tables(
        participants=list(range(people)),
        affinity=rng.random((people, people)) * 0 + _random_affinity(people, 3),
        table_size=6,
        rounds=4,
        roles=roles,
        quotas=[TableQuota("pas d'avance", minimum=1), TableQuota("recruteur", maximum=1)],
        fixed_seats={47: 2, 46: 5},
        seed=1,
        max_iterations=1500,
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    assert plan.quota_violations == ()
    assert plan.repeats == 0
    assert all(plan.itineraries[47][r] == 2 and plan.itineraries[46][r] == 5 for r in range(4))
    assert (
        plan.itinerary_lines[47]
        == "Tour 1 : table 2 · Tour 2 : table 2 · Tour 3 : table 2 · Tour 4 : table 2"
    )


def test_impossible_quotas_give_a_best_plan_with_the_claim_set() -> None:
    roles: dict[object, set[str]] = {0: {"avance"}}
    plan = plan_tables(
        participants=list(range(12)),
        affinity=np.zeros((12, 12)),
        table_size=4,
        rounds=2,
        roles=roles,
        quotas=[TableQuota("avance", minimum=1)],
        max_iterations=100,
    )
    assert plan.quotas_proven_infeasible
    assert len(plan.quota_violations) == 4  # 2 tables without one, in each of 2 rounds
    assert plan_verify(plan).ok


def test_determinism_for_a_seed() -> None:
    kwargs = {
        "participants": list(range(30)),
        "affinity": _random_affinity(30, 5),
        "table_size": 5,
        "rounds": 4,
        "max_iterations": 400,
        "time_budget": 60.0,
    }
    assert plan_tables(seed=7, **kwargs).schedule == plan_tables(seed=7, **kwargs).schedule  # type: ignore[arg-type]


def test_replan_keeps_played_rounds_and_counts_earlier_meetings() -> None:
    people = [f"p{i}" for i in range(24)]
    plan = plan_tables(
        participants=people, affinity=_random_affinity(24, 2), table_size=4, rounds=4, max_iterations=400
    )
    present = [p for p in people if p not in {"p3", "p7"}] + ["w1", "w2", "w3"]
    new = replan(
        plan,
        played_rounds=2,
        participants=present,
        affinity=_random_affinity(len(present), 9),
        max_iterations=600,
        time_budget=5,
    )
    assert new.schedule[:2] == plan.schedule[:2]
    check = plan_verify(new)
    assert check.ok, check.problems
    assert new.repeats == 0
    met = {frozenset(pair) for tables in new.schedule[:2] for t in tables for pair in combinations(t, 2)}
    later = [frozenset(pair) for tables in new.schedule[2:] for t in tables for pair in combinations(t, 2)]
    assert not met.intersection(later)
    assert new.itineraries["w1"][:2] == (None, None)
    assert "absent·e" in new.itinerary_lines["w1"]


def test_replan_starts_from_the_rounds_still_to_play() -> None:
    people = list(range(24))
    plan = plan_tables(participants=people, affinity=np.zeros((24, 24)), table_size=4, rounds=4, seed=3)
    assert plan.repeats == 0
    # Two no-shows who were never at one table in rounds 3 and 4: 22 people fill tables of
    # 4, 4, 4, 4, 3, 3 without moving anyone, so the rounds to come stay as planned.
    later = plan.schedule[2:]
    a, b = next(
        (p, q)
        for p in people
        for q in people
        if p < q and not any(p in t and q in t for tables in later for t in tables)
    )
    present = [p for p in people if p not in (a, b)]
    new = replan(
        plan,
        played_rounds=2,
        participants=present,
        affinity=np.zeros((22, 22)),
        max_iterations=200,
    )
    assert plan_verify(new).ok
    assert new.repeats == 0
    assert new.method.startswith("re-plan (reprise des tours prévus")
    for old, kept in zip(later, new.schedule[2:], strict=True):
        expected = {frozenset(p for p in t if p not in (a, b)) for t in old}
        assert {frozenset(t) for t in kept} == expected


def test_star_bound_is_half_the_best_partners() -> None:
    a = np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0]], dtype=float)
    assert star_bound(a, 1, (2, 1)) == pytest.approx((3 + 3 + 2) / 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"participants": [1, 2], "affinity": np.zeros((2, 2)), "table_size": 4, "rounds": 1}, "au moins 4"),
        (
            {"participants": [1, 2, 3, 4], "affinity": np.full((4, 4), np.nan), "table_size": 2, "rounds": 1},
            "NaN",
        ),
        (
            {"participants": [1, 2, 3, 4], "affinity": -np.ones((4, 4)), "table_size": 2, "rounds": 1},
            "négatives",
        ),
        (
            {"participants": [1, 2, 3, 4], "affinity": np.zeros((4, 3)), "table_size": 2, "rounds": 1},
            "carrée",
        ),
        (
            {
                "participants": [1, 2, 3, 4],
                "affinity": np.triu(np.ones((4, 4))),
                "table_size": 2,
                "rounds": 1,
            },
            "symétrique",
        ),
        (
            {"participants": list(range(7)), "affinity": np.zeros((7, 7)), "table_size": 6, "rounds": 1},
            "répartissent",
        ),
    ],
)
def test_bad_input_gets_a_french_message(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PlanningError, match=message):
        plan_tables(**kwargs)  # type: ignore[arg-type]


def test_rounds_beyond_the_bound_still_give_a_plan() -> None:
    plan = plan_tables(
        participants=list(range(9)), affinity=np.zeros((9, 9)), table_size=3, rounds=6, max_iterations=200
    )
    assert plan.rounds_bound == 4
    assert plan.zero_repeats_proven_infeasible
    assert plan.repeats > 0
    assert any("borne" in note for note in plan.notes)
    assert plan_verify(plan).ok


def test_layered_cyclic_search_finds_a_nearly_kirkman_system() -> None:
    import random

    from pairs_engine.planning.designs import _layer_options, layered_cyclic_search

    # 18 people in tables of 3 over 8 rounds (a nearly Kirkman triple system): Z_6 develops
    # one base round into 6 rounds and a layer fixed by the shift by 2 into 2 more.
    assert _layer_options(6, 6, 8)[0] == (1, 3)
    found = layered_cyclic_search(18, 3, 8, random.Random(0), float("inf"), max_moves=200_000)
    assert found is not None
    schedule, name = found
    assert "couches" in name
    _assert_whole_rounds(schedule, 18, 3, 8)
    # Beyond the bound (P − 1)/(s − 1) it refuses instead of searching.
    assert layered_cyclic_search(18, 3, 9, random.Random(0), float("inf"), max_moves=1000) is None


def test_planner_finds_6_3_8_without_repeats() -> None:
    plan = plan_tables(
        participants=list(range(18)), affinity=np.zeros((18, 18)), table_size=3, rounds=8, max_iterations=400
    )
    assert plan_verify(plan).ok
    assert plan.repeats == 0
    assert "couches" in plan.method


def test_two_orbit_search_finds_the_32_golfers_over_10_rounds() -> None:
    import random
    import time

    from pairs_engine.planning.designs import two_orbit_search

    found = two_orbit_search(32, 4, 10, random.Random(3), time.monotonic() + 60)
    assert found is not None
    schedule, name = found
    assert "famille de différences" in name
    _assert_whole_rounds(schedule, 32, 4, 10)
    # 10 rounds × 3 table-mates = 30 of the 31 others: each point misses exactly its partner
    # (x + 8, same level), so the never-met pairs form a perfect matching.
    met = {pair for tables in schedule for t in tables for pair in combinations(sorted(t), 2)}
    missed = set(combinations(range(32), 2)) - met
    assert missed == {(c * 16 + x, c * 16 + x + 8) for c in range(2) for x in range(8)}


def test_two_orbit_search_refuses_what_it_cannot_build() -> None:
    import random

    from pairs_engine.planning.designs import two_orbit_search

    rng = random.Random(0)
    assert two_orbit_search(32, 4, 11, rng, float("inf")) is None  # beyond 30 of 31 partners
    assert two_orbit_search(15, 3, 7, rng, float("inf")) is None  # odd number of people
    assert two_orbit_search(30, 4, 5, rng, float("inf")) is None  # tables of 4 do not divide 30


def test_two_orbit_search_keeps_the_first_rounds_of_a_longer_plan() -> None:
    import random
    import time

    from pairs_engine.planning.designs import two_orbit_search

    # 2R/s = 4.5 is not whole: 10 rounds are built (full orbits) and the first 9 kept.
    found = two_orbit_search(32, 4, 9, random.Random(1), time.monotonic() + 60)
    assert found is not None
    schedule, _name = found
    _assert_whole_rounds(schedule, 32, 4, 9)


def test_planner_finds_8_4_10_without_repeats() -> None:
    plan = plan_tables(
        participants=list(range(32)), affinity=np.zeros((32, 32)), table_size=4, rounds=10, time_budget=10
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    assert plan.repeats == 0
    assert plan.repeat_free
    assert "famille de différences" in plan.method


def _seat_groups_never_meet(schedule: list[list[list[int]]], groups: int) -> bool:
    """People c·n … c·n + n − 1 (one seat group) are never at one table."""
    return all(len({p // groups for p in t}) == len(t) for tables in schedule for t in tables)


def test_transversal_rounds_from_a_field_and_from_a_searched_array() -> None:
    import random
    import time

    from pairs_engine.planning.designs import transversal_rounds

    # 48 = 6 seats × 8: GF(8) gives all 8 rounds at once.
    found = transversal_rounds(48, 6, 8, random.Random(0), time.monotonic() + 10)
    assert found is not None
    schedule, name = found
    assert "corps à 8" in name
    _assert_whole_rounds(schedule, 48, 6, 8)
    assert _seat_groups_never_meet(schedule, 8)
    # 60 = 6 × 10: no field of order 10, the array is searched over Z_10.
    found = transversal_rounds(60, 6, 8, random.Random(0), time.monotonic() + 30)
    assert found is not None
    schedule, name = found
    assert "Z_10" in name
    _assert_whole_rounds(schedule, 60, 6, 8)
    assert _seat_groups_never_meet(schedule, 10)


def test_transversal_rounds_refuse_what_cannot_exist() -> None:
    import random

    from pairs_engine.planning.designs import transversal_rounds

    rng = random.Random(0)
    assert transversal_rounds(60, 6, 11, rng, float("inf")) is None  # more rounds than people per seat
    assert transversal_rounds(60, 6, 10, rng, float("inf")) is None  # R = n = 10, even: no array
    assert transversal_rounds(62, 6, 4, rng, float("inf")) is None  # tables of 6 do not divide 62


def test_difference_arrays_have_distinct_column_differences() -> None:
    from pairs_engine.planning.array_kernel import difference_array

    rng = np.random.default_rng(0)
    for n, rows, cols in [(10, 8, 6), (12, 10, 5), (9, 7, 4), (6, 5, 5)]:
        array = np.zeros((0, 0))
        while not array.size:
            array = difference_array(n, rows, cols, rng.integers(0, n, (cols - 1) * (rows - 1)), 200_000)
        assert array.shape == (rows, cols)
        for c in range(cols):
            for d in range(c):
                assert len(set(((array[:, c] - array[:, d]) % n).tolist())) == rows
    # Six columns of four rows over Z_6 would give two orthogonal Latin squares of order 6:
    # the search gives up within its budget and says so with an empty array.
    assert difference_array(6, 4, 6, np.zeros(15, dtype=np.int64), 50_000).size == 0


def test_planner_seats_60_people_8_rounds_of_6_without_repeats_and_with_a_step_ahead_everywhere() -> None:
    plan = plan_tables(
        participants=list(range(60)),
        affinity=_random_affinity(60, 2),
        table_size=6,
        rounds=8,
        roles={i: {"avance"} for i in range(0, 60, 4)},  # 15 people for 10 tables
        quotas=[TableQuota("avance", minimum=1)],
        time_budget=8,
    )
    check = plan_verify(plan)
    assert check.ok, check.problems
    assert plan.repeats == 0
    assert plan.quota_violations == ()  # the role fills a seat group: one of them at every table
    assert "transversaux" in plan.method


def test_degree_bound_is_valid_and_never_looser_than_the_star_bound() -> None:
    from pairs_engine.planning.bounds import degree_bound

    # One person liked by all, nobody else liked: the star bound counts the four halves
    # of the others' best partner, the LP sees that person 0 has a single seat.
    a = np.zeros((5, 5))
    a[0, 1:] = a[1:, 0] = 1.0
    assert star_bound(a, 1, (2, 2, 1)) == pytest.approx(2.5)
    assert degree_bound(a, 1, (2, 2, 1)) == pytest.approx(1.0)
    affinity = _random_affinity(24, 4)
    np.fill_diagonal(affinity, 0.0)
    plan = plan_tables(
        participants=list(range(24)), affinity=affinity, table_size=4, rounds=3, max_iterations=300
    )
    assert plan.repeats == 0
    bound = degree_bound(affinity, 3, (4,) * 6)
    assert plan.affinity_total <= bound + 1e-9 <= plan.affinity_bound + 2e-9


def test_round_search_bookkeeping_is_exact_and_it_never_worsens() -> None:
    from pairs_engine.planning.tables import (
        RoundSearch,
        _greedy_round,
        _same_table,
        problem_for,
        table_request,
    )

    people = 30
    roles: dict[Hashable, set[str]] = {i: {"a"} for i in range(8)}
    roles.update({i: {"b"} for i in range(8, 14)})
    request = table_request(
        participants=list(range(people)),
        affinity=_random_affinity(people, 11),
        table_size=4,  # 6 tables of 4 and 2 of 3
        rounds=2,
        roles=roles,
        quotas=[TableQuota("a", minimum=1), TableQuota("b", maximum=1)],
        fixed_seats={0: 3},
    )
    problem = problem_for(request, 2)
    rng = np.random.default_rng(0)
    met = _same_table(_greedy_round(problem, np.zeros((people, people)), rng))  # an earlier round
    start = _greedy_round(problem, met, rng)
    search = RoundSearch(problem, met, start, rng)
    before = search.value
    search.run(deadline=float("inf"), kicks=200)
    tracked = search.value
    search._recount()  # from scratch
    assert tracked == pytest.approx(search.value, abs=1e-9)
    assert search.value >= before - 1e-9
    assert np.bincount(search.seat, minlength=8).tolist() == np.bincount(start, minlength=8).tolist()
    assert search.seat[0] == 2
    same = _same_table(search.seat)
    assert (same * met).sum() == 0  # nobody meets again: avoidable here, and a repeat outweighs any affinity
    for table in range(8):
        here = search.seat == table
        assert problem.tags[here, 0].sum() == 1
        assert problem.tags[here, 1].sum() <= 1
    # No repeat and no quota breach: the score is the round's affinity.
    assert search.value == pytest.approx((problem.weights * same).sum() / 2, abs=1e-9)


def test_round_by_round_search_beats_the_greedy_plan_with_tabu() -> None:
    from pairs_engine.planning.tables import TabuSearch, _greedy, problem_for, table_request

    rng = np.random.default_rng(1)  # people as points on a sphere, affinity = clipped cosine
    x = rng.normal(size=(72, 4))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    affinity = np.clip(x @ x.T, 0.0, None)
    np.fill_diagonal(affinity, 0.0)
    plan = plan_tables(
        participants=list(range(72)), affinity=affinity, table_size=6, rounds=4, seed=0, max_iterations=400
    )
    assert plan_verify(plan).ok
    assert plan.repeats == 0
    assert "tour par tour" in plan.method
    problem = problem_for(
        table_request(participants=list(range(72)), affinity=affinity, table_size=6, rounds=4), 4
    )
    gen = np.random.default_rng(0)
    tabu = TabuSearch(problem, _greedy(problem, gen), gen)
    tabu.run(float("inf"), 400, None)  # the former path, same number of tabu steps
    assert tabu.best_key[0] == 0
    assert plan.affinity_total >= 1.03 * -tabu.best_key[2] * affinity.max()
