"""Learning from the rencontres on a hand-built case: every count and factor checked by hand."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pairs.feedback.learning import adjustment, learning_report
from pairs.feedback.models import Connection, Feedback
from pairs.members.models import Member
from pairs.privacy.models import ConsentKind
from pairs.recommendations.models import Dismissal, PeerSuggestion, SuggestionBatch, WeightSet
from pairs.recommendations.services import weight_set_active
from pairs.reference.models import Departement
from tests.fixtures import World

from .helpers import attend, attendee, past_rencontre


def _suggest(batch: SuggestionBatch, member: Member, suggested: Member, codes: list[str]) -> None:
    PeerSuggestion.objects.create(
        batch=batch,
        member=member,
        suggested=suggested,
        rank=1,
        score=0.5,
        forward=0.5,
        backward=0.5,
        reasons=[{"code": code, "text": code, "weight": 0.1} for code in codes],
    )


def _feedback(registration, usefulness: int) -> None:  # type: ignore[no-untyped-def]
    Feedback.objects.create(
        registration=registration,
        satisfaction=3,
        usefulness=usefulness,
        nps=5,
        submitted_at=registration.rencontre.ends_at,
        updated_at=registration.rencontre.ends_at,
    )


def test_adjustment_is_bounded_and_cautious() -> None:
    assert adjustment(positive=0, negative=0) == 1.0
    assert adjustment(positive=5, negative=0) == pytest.approx(1.1)
    assert adjustment(positive=0, negative=5) == pytest.approx(0.9)
    assert 1.19 < adjustment(positive=10_000, negative=0) <= 1.2
    assert 0.8 <= adjustment(positive=0, negative=10_000) < 0.81


def test_evidence_and_proposal_on_a_hand_built_case(world: World) -> None:
    weights = weight_set_active()  # the default preset: topics 2, step ahead 2, place 1, situation 1…
    batch = SuggestionBatch.objects.create(kind=SuggestionBatch.Kind.MEMBER, weight_set=weights)
    paris = Departement.objects.get(code="75")
    a, b, c, d = (attendee() for _ in range(4))
    e, f = (attendee(departement=paris, prefers_in_person=True) for _ in range(2))
    g = attendee(consents=(ConsentKind.CONTACT_SHARING,))  # no consent (c): never counted
    # A and B: suggested for shared topics and a step ahead; they met, found it useful, connected.
    _suggest(batch, a, b, ["topics", "you_step_ahead"])
    rencontre = past_rencontre(world)
    registrations = {m.pk: attend(rencontre, m) for m in (a, b, e, f)}
    for member, usefulness in ((a, 5), (b, 4), (e, 1), (f, 1)):
        _feedback(registrations[member.pk], usefulness)
    Connection.objects.create(member_a_id=min(a.pk, b.pk), member_b_id=max(a.pk, b.pk), rencontre=rencontre)
    # C dismissed D, who had been suggested to C for topics and place.
    _suggest(batch, d, c, ["topics", "place"])
    Dismissal.objects.create(member=c, dismissed=d)
    # G (no statistics consent) connected with A: ignored.
    Connection.objects.create(member_a_id=min(a.pk, g.pk), member_b_id=max(a.pk, g.pk), rencontre=rencontre)

    report = learning_report()
    # A–B: connection + useful (mean 4.5); E–F: not useful (mean 1); C–D: dismissal.
    # A–E (3), A–F (3), B–E (2.5), B–F (2.5): neither.
    assert report.signals == {"connection": 1, "useful": 1, "not_useful": 1, "dismissal": 1}
    assert report.pairs == 3
    lines = {line.code: line for line in report.lines}
    # E–F were never suggested: the engine's components now — same situation, same phase, same département.
    expected = {
        "topics": (2, 1),
        "step_ahead": (2, 0),
        "place": (0, 2),
        "situation": (0, 1),
        "phase": (0, 1),
        "recruiter": (0, 0),
        "job": (0, 0),
        "sector": (0, 0),
        "text": (0, 0),
        "availability": (0, 0),
    }
    assert {code: (line.positive, line.negative) for code, line in lines.items()} == expected
    assert lines["topics"].factor == pytest.approx(1 + 0.2 * 1 / 8, abs=1e-4)
    assert lines["step_ahead"].factor == pytest.approx(1 + 0.2 * 2 / 7, abs=1e-4)
    assert lines["place"].factor == pytest.approx(1 - 0.2 * 2 / 7, abs=1e-4)
    assert lines["situation"].factor == pytest.approx(1 - 0.2 / 6, abs=1e-4)
    assert lines["job"].factor == 1.0
    assert (lines["topics"].current, lines["topics"].proposed) == (2.0, 2.05)
    assert lines["step_ahead"].proposed == 2.114
    assert lines["place"].proposed == 0.943
    assert lines["step_ahead"].effect_percent == 6

    # The national team sees it beside the current weights, and a button makes an inactive version.
    client = Client()
    client.force_login(world.national)
    page = client.get(reverse("feedback:learning")).content.decode()
    assert "Effet proposé" in page
    assert "2,114" in page  # French number format
    response = client.post(reverse("feedback:learning"))
    assert response.status_code == 302
    created = WeightSet.objects.order_by("-version").first()
    assert created is not None
    assert created.pk != weights.pk
    assert not created.is_active
    assert WeightSet.objects.get(is_active=True).pk == weights.pk
    assert created.weights["step_ahead"] == 2.114
    assert created.weights["job"] == 1.5
