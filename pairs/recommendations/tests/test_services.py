"""Recommendations: the engine's suggestions stored with their reasons, consents and dismissals honoured."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pairs.accounts.models import Role
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant
from pairs.recommendations.models import PeerSuggestion, SuggestionBatch, WeightSet
from pairs.recommendations.services import (
    dismissal_create,
    suggestions_compute_delegation,
    suggestions_refresh_member,
    weight_set_active,
    weight_set_create,
)
from pairs.recommendations.translate import engine_profiles
from tests.factories import DelegationFactory, MemberFactory, UserFactory


def _people(delegation: Delegation, count: int, *, consent: bool = True) -> list[Member]:
    reconversion, _ = Topic.objects.get_or_create(slug="reconversion", defaults={"label": "Reconversion"})
    made = []
    for n in range(count):
        user = UserFactory(role=Role.MEMBER)
        member = MemberFactory(
            user=user,
            email=user.email,
            delegation=delegation,
            situation=[Situation.JOB_SEEKER, Situation.EMPLOYED][n % 2],
            phase=[Phase.PREPARATION, Phase.TRANSITION, Phase.INTEGRATION][n % 3],
            seeking_text="Je cherche des conseils pour ma reconversion dans le numérique.",
            offering_text="Je peux partager mon expérience de reconversion et du réseau.",
            prefers_video=True,
        )
        member.topics_sought.add(reconversion)
        member.topics_offered.add(reconversion)
        if consent:
            consent_grant(
                member=member,
                kind=ConsentKind.RECOMMENDATIONS,
                source=ConsentSource.PROFILE,
                recorded_by=user,
            )
        made.append(member)
    return made


@pytest.mark.django_db
def test_a_delegation_batch_stores_suggestions_with_reasons_and_figures() -> None:
    delegation = DelegationFactory(code="bretagne")
    people = _people(delegation, 12)
    batch = suggestions_compute_delegation(delegation=delegation, k=5)
    assert batch.status == SuggestionBatch.Status.DONE
    assert batch.member_count == 12
    assert batch.weight_set == weight_set_active()
    assert batch.coverage is not None
    assert batch.gini is not None
    rows = list(PeerSuggestion.objects.filter(member=people[0]))
    assert 0 < len(rows) <= 5
    assert all(row.reasons for row in rows), "every suggestion carries at least one reason"
    assert all(r["text"] for row in rows for r in row.reasons)
    assert all(row.suggested_id != people[0].pk for row in rows)


@pytest.mark.django_db
def test_members_without_consent_a_are_never_suggested() -> None:
    delegation = DelegationFactory(code="bretagne")
    _people(delegation, 8)
    [shy] = _people(delegation, 1, consent=False)
    suggestions_compute_delegation(delegation=delegation, k=10)
    assert not PeerSuggestion.objects.filter(suggested=shy).exists()
    [profile] = engine_profiles(Member.objects.filter(pk=shy.pk))
    assert profile.recommendable is False


@pytest.mark.django_db
def test_a_dismissed_person_never_comes_back_either_way() -> None:
    delegation = DelegationFactory(code="bretagne")
    people = _people(delegation, 6)
    suggestions_compute_delegation(delegation=delegation, k=5)
    first = PeerSuggestion.objects.filter(member=people[0]).first()
    assert first is not None
    dismissal_create(member=people[0], dismissed=first.suggested)
    assert not PeerSuggestion.objects.filter(member=people[0], suggested=first.suggested).exists()
    suggestions_compute_delegation(delegation=delegation, k=5)
    suggestions_refresh_member(member=people[0])
    suggestions_refresh_member(member=first.suggested)
    assert not PeerSuggestion.objects.filter(member=people[0], suggested=first.suggested).exists()
    assert not PeerSuggestion.objects.filter(member=first.suggested, suggested=people[0]).exists()


@pytest.mark.django_db
def test_a_single_member_delegation_gives_an_empty_list_not_an_error() -> None:
    delegation = DelegationFactory(code="corse")
    [alone] = _people(delegation, 1)
    batch = suggestions_compute_delegation(delegation=delegation)
    assert batch.status == SuggestionBatch.Status.DONE
    assert not PeerSuggestion.objects.filter(member=alone).exists()


@pytest.mark.django_db
def test_weights_are_versioned_and_bad_ones_refused_with_a_message() -> None:
    first = weight_set_active()
    with pytest.raises(ValidationError, match="négatif"):
        weight_set_create(weights={**first.weights, "topics": -1}, label="Essai", created_by=None)
    with pytest.raises(ValidationError, match="Au moins un poids"):
        weight_set_create(weights=dict.fromkeys(first.weights, 0), label="Zéro", created_by=None)
    second = weight_set_create(
        weights={**first.weights, "step_ahead": 5}, label="Plus d'avance", created_by=None, activate=True
    )
    assert second.version == first.version + 1
    assert weight_set_active() == second
    assert WeightSet.objects.filter(is_active=True).count() == 1


@pytest.mark.django_db
def test_affinity_matrix_is_symmetric_in_the_given_order() -> None:
    from pairs.recommendations.affinity import affinity_matrix, pair_reasons

    delegation = DelegationFactory(code="bretagne")
    people = _people(delegation, 5)
    ids = [p.pk for p in reversed(people)]
    matrix = affinity_matrix(member_ids=ids)
    assert matrix.shape == (5, 5)
    assert (matrix == matrix.T).all()
    assert (matrix.diagonal() == 0).all()
    assert matrix.max() > 0
    assert pair_reasons(member_id=ids[0], other_id=ids[1])
