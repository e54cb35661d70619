"""Unit tests of the matching engine, on small hand-built profiles (not the synthetic generator)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pairs_engine.matching import (
    PRESETS,
    Profile,
    Rencontre,
    RomeGraph,
    Weights,
    WeightsError,
    build_index,
    coverage,
    explain_pair,
    gini,
    pair_scores,
    preset,
    suggest_batch,
    suggest_invitees,
    suggest_people,
    suggest_rencontres,
)
from pairs_engine.matching.fairness import cap_exposure
from pairs_engine.matching.recommend import ALL_EXCLUDED, NOBODY, NOT_INDEXED, NOTHING_ASKED

ROME = RomeGraph(
    mobility=frozenset({("M1805", "H1206"), ("K2111", "M1402")}), job_labels={"M1805": "Développement"}
)


def person(pid: int, **fields: object) -> Profile:
    """A neutral profile: nothing in common with another neutral profile except what `fields` set."""
    base: dict[str, object] = {
        "id": pid,
        "situation": "employed",
        "phase": "preparation",
        "departement": None,
        "delegation": None,
        "current_job": None,
        "target_jobs": (),
        "sector": None,
        "target_sector": None,
        "topics_sought": frozenset(),
        "topics_offered": frozenset(),
        "seeking_text": "",
        "offering_text": "",
        "in_person": False,
        "video": False,
        "availability": frozenset(),
    }
    base.update(fields)
    return Profile(**base)  # type: ignore[arg-type]


def codes(a: Profile, b: Profile, weights: Weights | None = None) -> set[str]:
    """Reason codes of the pair as seen by `a`."""
    index = build_index([a, b], rome=ROME)
    return {r.code for r in explain_pair(index, 0, 1, weights or Weights())}


# --- Each reason appears exactly when its condition holds -------------------------------------------------


def test_situation_and_phase_reasons() -> None:
    assert codes(person(1), person(2, situation="job_seeker", phase="transition")) == set()
    assert codes(person(1), person(2)) == {"situation", "phase"}
    assert "phase" not in codes(person(1), person(2, phase="integration"))


def test_step_ahead_is_directional() -> None:
    behind = person(
        1, current_job="K2111", target_jobs=("M1805",), phase="preparation", situation="job_seeker"
    )
    ahead = person(2, current_job="M1805", phase="integration")
    assert "step_ahead" in codes(behind, ahead)
    assert "you_step_ahead" not in codes(behind, ahead)
    seen_by_ahead = codes(ahead, behind)
    assert "you_step_ahead" in seen_by_ahead
    assert "step_ahead" not in seen_by_ahead
    # Same jobs but not a later phase: no step ahead.
    assert "step_ahead" not in codes(behind, person(2, current_job="M1805", phase="preparation"))
    # Through a ROME mobility link (K2111 → M1402), in a later phase.
    linked = codes(
        person(1, current_job="K2111", situation="graduate"),
        person(2, current_job="M1402", phase="transition"),
    )
    assert "step_ahead" in linked
    # The link is directed: M1402 → K2111 does not exist.
    assert "step_ahead" not in codes(
        person(1, current_job="M1402", situation="graduate"),
        person(2, current_job="K2111", phase="transition"),
    )


def test_topics_are_directional() -> None:
    seeker = person(1, topics_sought=frozenset({"reconversion"}), situation="job_seeker")
    helper = person(2, topics_offered=frozenset({"reconversion"}), phase="integration")
    assert "topics" in codes(seeker, helper)
    assert "you_topics" not in codes(seeker, helper)
    assert "you_topics" in codes(helper, seeker)
    assert "topics" not in codes(helper, seeker)
    assert not {"topics", "you_topics"} & codes(seeker, person(2, topics_offered=frozenset({"management"})))


def test_recruiter_reason() -> None:
    recruiter = person(1, situation="recruiter", target_jobs=("M1805",), phase="transition")
    candidate = person(2, situation="job_seeker", current_job="M1805", phase="integration")
    assert "recruiter" in codes(candidate, recruiter)
    assert "recruiter" in codes(recruiter, candidate)
    assert "recruiter" not in codes(candidate, person(3, situation="recruiter", target_jobs=("K2111",)))
    # Two candidates are not "recruiter ↔ candidate".
    assert "recruiter" not in codes(candidate, person(3, situation="job_seeker", target_jobs=("M1805",)))


def test_job_reasons() -> None:
    index = build_index(
        [
            person(1, current_job="M1805"),
            person(2, current_job="M1805", situation="graduate", phase="integration"),
            person(3, current_job="M1810", situation="graduate", phase="integration"),
            person(4, current_job="K2111", situation="graduate", phase="integration"),
            person(5, current_job="H1206", situation="graduate", phase="integration"),
        ],
        rome=ROME,
    )
    texts = {c: [r for r in explain_pair(index, 0, c, Weights()) if r.code == "job"] for c in (1, 2, 3, 4)}
    assert texts[1][0].text.startswith("Même métier")
    assert texts[2][0].text == "Même domaine professionnel : M18"
    assert texts[3] == []
    assert texts[4][0].text.startswith("Métiers voisins")


def test_sector_place_availability_and_text_reasons() -> None:
    a = person(1, sector="62", in_person=True, departement="75", availability=frozenset({"mon_evening"}))
    b = person(
        2,
        situation="graduate",
        phase="integration",
        sector="62",
        in_person=True,
        departement="75",
        availability=frozenset({"mon_evening", "tue_lunch"}),
    )
    assert {"sector", "place", "availability"} <= codes(a, b)
    far = person(2, situation="graduate", phase="integration", sector="70", in_person=True, departement="13")
    assert not {"sector", "place", "availability"} & codes(a, far)
    video = codes(person(1, video=True), person(2, video=True, situation="graduate", phase="integration"))
    assert "place" in video
    texts = codes(
        person(1, seeking_text="Je cherche des conseils pour négocier mon salaire"),
        person(
            2, offering_text="Je peux aider à négocier un salaire", situation="graduate", phase="integration"
        ),
    )
    assert "text" in texts
    assert "you_text" not in texts


def test_reason_texts_are_french_and_weighted() -> None:
    index = build_index([person(1, current_job="M1805"), person(2, current_job="M1805")], rome=ROME)
    reasons = explain_pair(index, 0, 1, Weights())
    assert next(r.text for r in reasons) == "Même métier : Développement (M1805)"
    assert all(isinstance(r.weight, float) and r.weight > 0 for r in reasons)
    assert [r.weight for r in reasons] == sorted((r.weight for r in reasons), reverse=True)
    # A zero weight removes its reason.
    assert "job" not in {r.code for r in explain_pair(index, 0, 1, Weights(job=0.0))}


# --- Reciprocity ----------------------------------------------------------------------------------------


def test_score_is_the_harmonic_mean_of_both_directions() -> None:
    seeker = person(1, topics_sought=frozenset({"reconversion", "management"}), situation="job_seeker")
    helper = person(
        2,
        phase="transition",
        topics_offered=frozenset({"reconversion"}),
        topics_sought=frozenset({"leadership"}),
    )
    index = build_index([seeker, helper], rome=ROME)
    w = Weights()
    score, forward, backward = pair_scores(index, np.array([0]), np.array([1]), w)
    f, b = float(forward[0]), float(backward[0])
    assert f == pytest.approx(w.topics * 0.5 / w.total())
    assert b == 0.0
    assert float(score[0]) == 0.0  # good for one side only: not suggested
    helper2 = person(
        2,
        topics_offered=frozenset({"reconversion"}),
        topics_sought=frozenset({"leadership"}),
        phase="preparation",
    )
    index = build_index([seeker, helper2], rome=ROME)
    score, forward, backward = pair_scores(index, np.array([0]), np.array([1]), w)
    f, b = float(forward[0]), float(backward[0])
    assert b > 0
    assert f > b
    assert float(score[0]) == pytest.approx(2 * f * b / (f + b), rel=1e-5)


# --- Exclusions, consent, empty results ------------------------------------------------------------------


def small_population() -> list[Profile]:
    return [
        person(
            i,
            situation="job_seeker",
            phase="transition",
            video=True,
            current_job="M1805",
            recommendable=i != 4,
        )
        for i in range(1, 9)
    ]


def test_excluded_and_non_recommendable_are_never_suggested() -> None:
    index = build_index(small_population(), rome=ROME)
    result = suggest_people(index, member_id=1, k=10, exclude={2, 3})
    ids = {s.id for s in result.items}
    assert ids == {5, 6, 7, 8}
    batch = suggest_batch(index, k=10, exclude={1: {2, 3}})
    for member_id, suggested in zip(batch.member_ids, batch.suggestion_ids, strict=True):
        assert 4 not in set(suggested.tolist())
        assert member_id not in set(suggested.tolist())
    assert not {2, 3} & set(batch.suggestion_ids[0].tolist())
    # The non-recommendable member still receives suggestions.
    assert suggest_people(index, member_id=4, k=3).items


def test_empty_results_say_why() -> None:
    lonely = build_index([person(1, current_job="M1805")], rome=ROME)
    assert suggest_people(lonely, member_id=1).empty_reason == NOBODY
    assert suggest_people(lonely, member_id=99).empty_reason == NOT_INDEXED
    assert suggest_people(lonely, member_id=1, k=0).empty_reason == NOTHING_ASKED
    batch = suggest_batch(lonely, k=5)
    assert batch.counts.tolist() == [0]
    assert batch.suggestions(1).empty_reason == NOBODY
    assert batch.coverage == 0.0
    pair = build_index([person(1, video=True), person(2, video=True)], rome=ROME)
    assert suggest_people(pair, member_id=1, exclude={2}).empty_reason == ALL_EXCLUDED
    empty = build_index([], rome=ROME)
    assert suggest_batch(empty, k=5).coverage == 0.0
    assert suggest_people(empty, member_id=1).empty_reason == NOT_INDEXED


def test_bad_input_never_raises() -> None:
    odd = [
        person(
            1, situation="astronaut", phase="someday", current_job="XYZ", target_jobs=("", "M1805", "M1805")
        ),
        person(2, current_job=None, seeking_text="", offering_text="", availability=frozenset({"sun_night"})),
        person(3, current_job="m1805 ", topics_sought=frozenset({"inconnu"})),
        person(1, situation="graduate"),  # duplicate id
    ]
    index = build_index(odd, rome=RomeGraph())
    assert index.size == 3
    assert index.notes
    for member_id in (1, 2, 3):
        result = suggest_people(index, member_id=member_id, k=5)
        assert result.items or result.empty_reason
    batch = suggest_batch(index, k=5, exposure_cap=1, diversity=0.5)
    assert batch.suggestions(1).items or batch.suggestions(1).empty_reason


# --- Weights --------------------------------------------------------------------------------------------


def test_weights_validation_messages() -> None:
    with pytest.raises(WeightsError, match="« texte libre » ne peut pas être négatif"):
        Weights(text=-1.0)
    zero = dict.fromkeys(Weights().to_dict(), 0.0)
    with pytest.raises(WeightsError, match="Au moins un poids doit être strictement positif"):
        Weights(**zero)
    with pytest.raises(WeightsError, match="nombre fini"):
        Weights(job=math.inf)
    with pytest.raises(WeightsError, match="Poids inconnu : « foo »"):
        Weights.from_dict({"foo": 1.0})
    with pytest.raises(WeightsError, match="Préréglage inconnu"):
        preset("nope")
    assert issubclass(WeightsError, ValueError)


def test_weights_round_trip_and_presets() -> None:
    for weights in PRESETS.values():
        assert Weights.from_dict(weights.to_dict()) == weights
    assert set(PRESETS) == {"défaut", "entre pairs", "un pas d'avance", "recruteurs"}
    assert preset("un pas d'avance").step_ahead > preset("entre pairs").step_ahead
    assert Weights.from_dict({"job": 3}).job == 3


# --- Fairness -------------------------------------------------------------------------------------------


def test_gini_and_coverage_on_hand_computed_cases() -> None:
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert gini([0, 1]) == pytest.approx(0.5)
    assert gini([]) == 0.0
    assert gini([0, 0]) == 0.0
    assert coverage([0, 2, 3, 1], 2) == 0.5
    assert coverage([], 1) == 0.0


def test_exposure_cap_is_respected() -> None:
    # Everybody prefers row 0, then row 1: with a cap of 2, row 0 goes to the two highest scores.
    candidates = np.array([[0, 1, 2], [0, 1, 2], [0, 2, 1], [0, 1, 2]], dtype=np.int64)
    scores = np.array([[0.9, 0.5, 0.1], [0.8, 0.5, 0.1], [0.95, 0.4, 0.3], [0.7, 0.6, 0.2]], dtype=np.float32)
    rows, _s, exposure = cap_exposure(candidates, scores, k=2, cap=2, n_rows=5)
    assert exposure.max() <= 2
    assert rows[2, 0] == 0
    assert rows[0, 0] == 0
    assert 0 not in rows[1].tolist()
    assert 0 not in rows[3].tolist()
    index = build_index(small_population(), rome=ROME)
    batch = suggest_batch(index, k=3, exposure_cap=2)
    counts = np.unique(batch.suggestion_ids[batch.suggestion_ids >= 0], return_counts=True)[1]
    assert counts.max() <= 2
    assert 0.0 <= batch.gini <= 1.0
    assert batch.weights == Weights().to_dict()


def test_diversity_reranking_mixes_situations() -> None:
    people = [
        person(1, situation="job_seeker", video=True, topics_sought=frozenset({"reseau-professionnel"}))
    ]
    people += [
        person(
            i,
            situation="job_seeker",
            video=True,
            topics_offered=frozenset({"reseau-professionnel"}),
            topics_sought=frozenset({"x"}),
        )
        for i in range(2, 6)
    ]
    people += [
        person(i, situation="employed", video=True, topics_sought=frozenset({"x"})) for i in range(6, 8)
    ]
    index = build_index(people, rome=ROME)
    plain = suggest_people(index, member_id=1, k=3)
    diverse = suggest_people(index, member_id=1, k=3, diversity=0.8)
    situations = {p.id: p.situation for p in people}
    assert {situations[s.id] for s in plain.items} == {"job_seeker"}
    assert "employed" in {situations[s.id] for s in diverse.items}


# --- Rencontres and invitations -------------------------------------------------------------------------


def rencontre(**fields: object) -> Rencontre:
    base: dict[str, object] = {
        "id": 10,
        "title": "Réussir sa reconversion",
        "description": "Échanges entre cadres sur la reconversion professionnelle",
        "topics": frozenset({"reconversion"}),
        "target_situations": frozenset({"job_seeker"}),
        "target_phases": frozenset({"preparation"}),
        "mode": "in_person",
        "departement": "75",
        "delegation": "idf",
        "slot": "thu_evening",
        "seats_left": 5,
    }
    base.update(fields)
    return Rencontre(**base)  # type: ignore[arg-type]


def test_suggest_rencontres_respects_targets_place_and_seats() -> None:
    member = person(
        1,
        situation="job_seeker",
        in_person=True,
        departement="75",
        delegation="idf",
        topics_sought=frozenset({"reconversion"}),
        availability=frozenset({"thu_evening"}),
        seeking_text="reconversion professionnelle",
    )
    index = build_index([member, person(2)], rome=ROME)
    good = rencontre()
    full = rencontre(id=11, seats_left=0)
    other_audience = rencontre(id=12, target_situations=frozenset({"graduate"}))
    far = rencontre(id=13, departement="13", delegation="paca")
    result = suggest_rencontres(
        index, member_id=1, rencontres=[good, full, other_audience, far], k=5, max_reasons=10
    )
    assert [r.id for r in result.items] == [10]
    assert {r.code for r in result.items[0].reasons} == {
        "topics",
        "place",
        "availability",
        "situation",
        "phase",
        "text",
    }
    none = suggest_rencontres(index, member_id=1, rencontres=[full, far], k=5)
    assert none.items == ()
    assert none.empty_reason


def test_suggest_invitees_mixes_peers_and_step_ahead() -> None:
    peers = [
        person(
            i,
            situation="job_seeker",
            in_person=True,
            departement="75",
            topics_sought=frozenset({"reconversion"}),
        )
        for i in range(1, 7)
    ]
    ahead = [
        person(
            i,
            situation="employed",
            phase="integration",
            in_person=True,
            departement="75",
            topics_offered=frozenset({"reconversion"}),
        )
        for i in range(7, 11)
    ]
    outsider = [person(11, situation="graduate", in_person=True, departement="75")]
    index = build_index(peers + ahead + outsider, rome=ROME)
    result = suggest_invitees(index, rencontre=rencontre(), k=5, step_ahead_share=0.4, exclude={1})
    roles = [i.role for i in result.items]
    assert roles.count("step_ahead") == 2
    assert roles.count("peer") == 3
    ids = {i.id for i in result.items}
    assert 1 not in ids
    assert 11 not in ids
    assert all(i.reasons for i in result.items)
    assert any(r.code == "step_ahead" for i in result.items if i.role == "step_ahead" for r in i.reasons)
    # Not enough people a step ahead: peers take their places.
    more = suggest_invitees(index, rencontre=rencontre(), k=8, step_ahead_share=0.9)
    assert len(more.items) == 8


# --- Reading scored pairs both ways ---------------------------------------------------------------------------


def test_reciprocal_score_is_symmetric() -> None:
    """The batch serves each scored pair to both members: that needs score(m, c) == score(c, m) exactly."""
    from pairs_engine import synthetic

    population = synthetic.generate(members=400, seed=11)
    index = build_index(population.profiles, rome=population.rome)
    rng = np.random.default_rng(0)
    m = rng.integers(0, index.size, 3000)
    c = rng.integers(0, index.size, 3000)
    score, forward, backward = pair_scores(index, m, c, Weights())
    score_back, forward_back, backward_back = pair_scores(index, c, m, Weights())
    assert np.array_equal(score, score_back)
    assert np.array_equal(forward, backward_back)
    assert np.array_equal(backward, forward_back)


def test_reversed_lists_keep_consent_and_exclusions() -> None:
    from pairs_engine.matching.ranking import reversed_lists

    index = build_index(small_population(), rome=ROME)  # id 4 may not be recommended
    row = index.row_of
    q = np.asarray([row[1], row[4], row[2], row[1]], dtype=np.int64)
    c = np.asarray([row[3], row[3], row[3], row[2]], dtype=np.int64)
    score = np.asarray([0.5, 0.9, 0.7, 0.4], dtype=np.float32)
    members = np.asarray([row[i] for i in (1, 2, 3)], dtype=np.int64)
    lists, scores = reversed_lists(
        index, members, q, c, score, length=3, excluded={row[3]: np.asarray([row[2]])}
    )
    # Member 3 gets 1 back (4 may not be recommended, 2 is excluded for 3); member 2 gets 1; member 1 nothing.
    assert lists[2].tolist() == [row[1], -1, -1]
    assert lists[1].tolist() == [row[1], -1, -1]
    assert scores[1, 0] == pytest.approx(0.4)
    assert (lists[0] == -1).all()
    # A floor (the last score of a member's own list) keeps only pairs that can enter that list.
    floor = np.asarray([0.0, 0.4, 0.0], dtype=np.float32)
    lists, _scores = reversed_lists(index, members, q, c, score, length=3, floor=floor)
    assert (lists[1] == -1).all()
    assert lists[2].tolist() == [row[2], row[1], -1]  # 4 may still not be recommended


def test_merge_lists_keeps_each_candidate_once_best_first() -> None:
    from pairs_engine.matching.pair_lists import merge_lists

    first = (np.asarray([[5, 7, -1]]), np.asarray([[0.9, 0.3, 0.0]], dtype=np.float32))
    second = (np.asarray([[8, 5, 2]]), np.asarray([[0.6, 0.9, 0.3]], dtype=np.float32))
    rows, scores = merge_lists(first, second, length=4)
    assert rows.tolist() == [[5, 8, 2, 7]]  # 5 once; 2 and 7 tie at 0.3: lower row first
    assert scores.tolist()[0] == pytest.approx([0.9, 0.6, 0.3, 0.3])
    rows, _scores = merge_lists(first, second, length=6)
    assert rows.tolist() == [[5, 8, 2, 7, -1, -1]]


# --- Fast selection and ranking paths agree with the plain ones ------------------------------------------------


def test_scan_kernel_keeps_each_rows_best_finite_proxies() -> None:
    """The compiled scan step: target-job part added, harmonic proxy, and exactly each row's best `keep` finite
    entries — ties at the cut resolved to the leftmost columns, self and excluded columns never chosen."""
    import scipy.sparse as sp  # type: ignore[import-untyped]

    from pairs_engine.matching.scan_kernel import TargetRows, best_per_row, csr_rows

    rng = np.random.default_rng(3)
    for trial in range(80):
        height, width, keep = int(rng.integers(1, 30)), int(rng.integers(1, 3000)), int(rng.integers(1, 40))
        forward = rng.standard_normal((height, width)).astype(np.float32)  # negatives clip to 0: many ties
        backward = rng.standard_normal((height, width)).astype(np.float32)
        if trial % 3 == 0:
            forward, backward = np.round(forward, 1), np.round(backward, 1)  # more ties
        u = int(rng.integers(1, 6))
        step = sp.random(height, u, density=0.3, format="csr", dtype=np.float32, random_state=trial)
        shared = sp.random(height, u, density=0.3, format="csr", dtype=np.float32, random_state=trial + 1)
        right = sp.random(u, width, density=0.05, format="csr", dtype=np.float32, random_state=trial + 2)
        targets = TargetRows(*csr_rows(step, 0, height), *csr_rows(shared, 0, height), *csr_rows(right, 0, u))
        f = forward + (step @ right).toarray() + (shared @ right).toarray()
        b = backward + (shared @ right).toarray()
        f, b = np.maximum(f.astype(np.float32), 0), np.maximum(b.astype(np.float32), 0)
        expected_scores = f * b / np.maximum(f + b, np.float32(1e-9))
        self_pos = rng.integers(-1, width, height)
        excluded = [
            rng.choice(width, int(rng.integers(0, width + 1) * (trial % 4 == 0)), replace=False)
            for _ in range(height)
        ]
        pointers = np.concatenate([[0], np.cumsum([e.size for e in excluded])]).astype(np.int64)
        rows = rng.permutation(10_000)[:height].astype(np.int64)
        pool = rng.permutation(10_000)[:width].astype(np.int64)
        q, c = best_per_row(
            forward.copy(),
            backward.copy(),
            targets,
            rows=rows,
            pool=pool,
            self_pos=self_pos.astype(np.int64),
            excluded_ptr=pointers,
            excluded_idx=np.concatenate([np.zeros(0, np.int64), *excluded]).astype(np.int64),
            keep=keep,
        )
        for i in range(height):
            allowed = np.ones(width, dtype=bool)
            allowed[excluded[i]] = False
            if self_pos[i] >= 0:
                allowed[self_pos[i]] = False
            candidates = np.flatnonzero(allowed)
            best = candidates[np.argsort(-expected_scores[i, candidates], kind="stable")[:keep]]
            assert sorted(c[q == rows[i]].tolist()) == sorted(pool[best].tolist()), (trial, i)


def test_grouped_ranking_equals_the_sorted_one() -> None:
    """Pairs grouped by member (the batch's order) take the partition path; it must rank exactly as the sort,
    ties in candidate-row order and non-positive scores left out."""
    from pairs_engine.matching.ranking import ranked_lists

    index = build_index(small_population(), rome=ROME)
    rng = np.random.default_rng(5)
    n = index.size
    q = np.repeat(np.arange(n), rng.integers(0, 50, n))  # lists shorter and longer than `length`
    c = rng.integers(0, 10_000, q.size)
    score = np.round(rng.random(q.size) - 0.2, 1).astype(np.float32)  # ties, zeros and negatives
    order = np.lexsort((c, q))
    q, c, score = q[order], c[order], score[order]
    members = np.arange(n, dtype=np.int64)
    for length in (3, 20, 60):
        grouped = ranked_lists(index, members, q, c, score, length=length)
        # The same pairs for the members in reverse order: not grouped by output row, so the sort path.
        backwards = ranked_lists(index, members[::-1].copy(), q, c, score, length=length)
        assert np.array_equal(grouped[0], backwards[0][::-1])
        assert np.array_equal(grouped[1], backwards[1][::-1])
        assert (grouped[1] >= 0).all()
        assert ((grouped[0] >= 0) == (grouped[1] > 0)).all()


def test_pair_lists_match_plain_numpy() -> None:
    """The compiled list steps against plain numpy: repeats dropped (first order kept), each member's best
    positive scores with ties in input order, and the backwards filter."""
    from pairs_engine.matching.pair_lists import best_per_member, reversed_pairs, unique_pairs

    rng = np.random.default_rng(11)
    n = 60
    q = rng.integers(0, n, 5000)
    c = rng.integers(0, n, 5000)
    uq, uc = unique_pairs(q, c, n)
    keys = q * n + c
    _values, first = np.unique(keys, return_index=True)
    expected = keys[np.sort(first)]
    expected = expected[np.argsort(expected // n, kind="stable")]  # grouped by q, first-seen order within
    assert (uq.astype(np.int64) * n + uc).tolist() == expected.tolist()

    score = np.round(rng.random(q.size) - 0.2, 1).astype(np.float32)  # ties, zeros and negatives
    for member in (q, np.sort(q)):  # scattered, then grouped input (another pairing, same rule)
        rows, scores = best_per_member(member, c, score, n=n, length=7)
        for m in range(n):
            mine = np.flatnonzero((member == m) & (score > 0))
            best = mine[np.argsort(-score[mine], kind="stable")[:7]]
            assert rows[m, : best.size].tolist() == c[best].tolist()
            assert (rows[m, best.size :] == -1).all()
            assert scores[m, : best.size].tolist() == score[best].tolist()

    slot = np.where(rng.random(n) < 0.7, rng.permutation(n), -1).astype(np.int64)
    recommendable = rng.random(n) < 0.8
    floor = rng.random(n).astype(np.float32) * 0.5
    got = reversed_pairs(q, c, score, slot=slot, recommendable=recommendable, floor=floor)
    ok = (slot[c] >= 0) & recommendable[q] & (score > 0) & (score > floor[np.maximum(slot[c], 0)])
    assert [part.tolist() for part in got] == [slot[c][ok].tolist(), q[ok].tolist(), score[ok].tolist()]


def test_exposure_without_cap_keeps_each_lists_head() -> None:
    candidates = np.asarray([[4, -1, 2, 3], [4, 1, -1, -1]])
    scores = np.asarray([[0.9, 0.0, 0.5, 0.4], [0.8, 0.3, 0.0, 0.0]], dtype=np.float32)
    rows, kept, exposure = cap_exposure(candidates, scores, k=2, cap=None, n_rows=5)
    assert rows.tolist() == [[4, 2], [4, 1]]
    assert kept.tolist()[0] == pytest.approx([0.9, 0.5])
    assert exposure.tolist() == [0, 1, 1, 0, 2]
    assert [r.tolist() for r in cap_exposure(candidates, scores, k=2, cap=10, n_rows=5)[::2]] == [
        rows.tolist(),
        exposure.tolist(),
    ]


# --- The compiled pair components follow the rules ----------------------------------------------------------


def test_score_kernel_applies_each_rule_pair_by_pair() -> None:
    """The compiled components of every ordered pair against the rules written out from the profiles: missing
    jobs, one recruiter or two, same and later phases, mobility links, topics spread over two 64-bit words."""
    from pairs_engine.matching.scoring import COMPONENTS, components_both
    from pairs_engine.matching.types import PHASES, SITUATIONS

    every_topic = frozenset(f"t{i:02d}" for i in range(70))  # topic ids 0..69: two words, bits 31 and 63 used
    people = [
        person(
            2,
            phase="integration",
            current_job="M1805",
            sector="70",
            topics_offered=every_topic,  # first: its topics take ids 0..69 in order
            departement="75",
            delegation="idf",
            in_person=True,
            availability=frozenset({"mon_morning"}),
            offering_text="mon réseau et mon CV",
        ),
        person(
            1,
            situation="job_seeker",
            current_job="K2111",
            target_jobs=("M1805",),
            sector="62",
            target_sector="70",
            topics_sought=frozenset({"t00", "t31", "t64"}),
            departement="75",
            delegation="idf",
            in_person=True,
            availability=frozenset({"mon_morning", "tue_lunch"}),
            seeking_text="un mentor pour mon réseau",
        ),
        person(
            3,
            phase="integration",
            current_job="M1402",
            video=True,
            topics_sought=frozenset({"t05", "t62", "t63"}),
        ),
        person(
            4,
            situation="recruiter",
            phase="transition",
            target_jobs=("M1805", "H1206"),
            departement="92",
            delegation="idf",
            in_person=True,
            video=True,
        ),
        person(
            5, phase="transition", current_job="M1803", target_jobs=("K2111",), sector="62", in_person=True
        ),
        person(6, situation="graduate"),
        person(7, situation="recruiter", phase="integration", current_job="H1206", target_jobs=("K2111",)),
        person(8, situation="unknown", phase="unknown", video=True),
        person(9, situation="unknown", phase="unknown"),
        person(10, current_job="K2111", offering_text="un réseau de mentors"),
    ]
    index = build_index(people, rome=ROME)
    phase_rank = {name: i for i, name in enumerate(PHASES)}

    def link(source: str | None, target: str | None) -> bool:
        return (source, target) in ROME.mobility

    def expected(m: Profile, c: Profile, text: float) -> list[float]:
        """f(m → c), rule by rule."""
        pm, pc = phase_rank.get(m.phase, -1), phase_rank.get(c.phase, -1)
        jm, jc = m.current_job, c.current_job
        step = 0.0
        if 0 <= pm < pc:
            step = 1.0 if jc is not None and jc in m.target_jobs else 0.6 * link(jm, jc)
        recruiter = 0.0
        if (m.situation == "recruiter") != (c.situation == "recruiter"):
            boss, other = (m, c) if m.situation == "recruiter" else (c, m)
            held = {j for j in (other.current_job, *other.target_jobs) if j}
            if set(boss.target_jobs) & held:
                recruiter = 1.0
            elif {t[:3] for t in boss.target_jobs} & {j[:3] for j in held}:
                recruiter = 0.5
        job = max(
            1.0 * (jm is not None and jm == jc),
            0.8 * bool(set(m.target_jobs) & set(c.target_jobs)),
            0.5 * (jm is not None and jc is not None and jm[:3] == jc[:3]),
            0.4 * (link(jm, jc) or link(jc, jm)),
        )
        place = 0.0
        if m.in_person and c.in_person:
            if m.departement is not None and m.departement == c.departement:
                place = 1.0
            elif m.delegation is not None and m.delegation == c.delegation:
                place = 0.5
        if m.video and c.video:
            place = max(place, 0.7)
        return [
            float(m.situation in SITUATIONS and m.situation == c.situation),
            float(pm >= 0 and pm == pc),
            step,
            len(m.topics_sought & c.topics_offered) / max(len(m.topics_sought), 1),
            recruiter,
            job,
            float(c.sector is not None and c.sector in (m.sector, m.target_sector)),
            max(text, 0.0),
            place,
            len(m.availability & c.availability) / max(len(m.availability), 1),
        ]

    n = len(people)
    m, c = np.divmod(np.arange(n * n), n)
    fwd, bwd = components_both(index, m, c)
    text = COMPONENTS.index("text")
    seen: set[tuple[str, float]] = set()
    for i, (a, b) in enumerate(zip(m.tolist(), c.tolist(), strict=True)):
        for got, (x, y) in ((fwd[i], (a, b)), (bwd[i], (b, a))):
            cosine = float(index.seek_vec[x].astype(np.float64) @ index.offer_vec[y])
            want = expected(people[x], people[y], cosine)
            for k, name in enumerate(COMPONENTS):
                if k == text:
                    assert got[k] == pytest.approx(want[k], abs=1e-6), (people[x].id, people[y].id, name)
                else:
                    assert got[k] == np.float32(want[k]), (people[x].id, people[y].id, name)
                seen.add((name, round(want[k], 3)))
    # The population reaches every graded value (or the comparison above would prove little).
    graded = {("step_ahead", 1.0), ("step_ahead", 0.6), ("recruiter", 1.0), ("recruiter", 0.5)}
    graded |= {("job", v) for v in (1.0, 0.8, 0.5, 0.4)} | {("place", v) for v in (1.0, 0.7, 0.5)}
    graded |= {("topics", 1.0), ("availability", 0.5), ("sector", 1.0), ("situation", 0.0)}
    assert graded <= seen
    assert any(name == "text" and value > 0.2 for name, value in seen)
