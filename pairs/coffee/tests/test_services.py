"""Peer-coffee rounds: consent, opt-in, no repeated pair, the odd person, figures, emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pairs.coffee import services
from pairs.coffee.models import (
    CoffeeOptIn,
    CoffeePairing,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeWaiting,
    MeetingFormat,
    OddPolicy,
)
from pairs.coffee.selectors import coffee_pool_members
from pairs.coffee.services import (
    coffee_opt_in,
    coffee_opt_out,
    coffee_pools_due,
    coffee_round_run,
    suggested_format,
    suggested_slot,
)
from pairs.coffee.tasks import coffee_rounds_monthly
from pairs.members.models import Member, Phase, Situation
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_revoke
from pairs.recommendations.services import dismissal_create
from tests.factories import DelegationFactory, MemberFactory

from .helpers import people

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def month(n: int) -> datetime:
    return NOW + timedelta(days=31 * n)


def groups_of(coffee_round: CoffeeRound) -> list[set[int]]:
    found: dict[int, set[int]] = {}
    for pairing_id, member_id in CoffeeParticipant.objects.filter(pairing__round=coffee_round).values_list(
        "pairing_id", "member_id"
    ):
        found.setdefault(pairing_id, set()).add(member_id)
    return list(found.values())


@pytest.mark.django_db
def test_opt_in_needs_consent_a_and_opt_out_leaves_the_pool() -> None:
    delegation = DelegationFactory(code="bretagne")
    [without] = people(delegation, 1, now=NOW, consent=False, opt_in=False)
    with pytest.raises(ValidationError) as refused:
        coffee_opt_in(member=without, now=NOW)
    assert "recommandations" in str(refused.value)
    [member] = people(delegation, 1, now=NOW)
    assert list(coffee_pool_members(delegation=delegation)) == [member]
    coffee_opt_out(member=member, now=NOW)
    opt_in = CoffeeOptIn.objects.get(member=member)
    assert not opt_in.active
    assert opt_in.left_at == NOW
    assert not coffee_pool_members(delegation=delegation).exists()
    coffee_opt_in(member=member, now=month(1))
    assert coffee_pool_members(delegation=delegation).get() == member


@pytest.mark.django_db
def test_without_delegation_only_visio_members_join_the_national_pool() -> None:
    [in_person] = people(None, 1, now=NOW, opt_in=False, prefers_video=False, prefers_in_person=True)
    with pytest.raises(ValidationError):
        coffee_opt_in(member=in_person, now=NOW)
    national = people(None, 2, now=NOW)
    coffee_round = coffee_round_run(delegation=None, now=NOW)
    assert coffee_round.delegation is None
    assert coffee_round.pair_count == 1
    assert groups_of(coffee_round) == [{m.pk for m in national}]
    assert CoffeePairing.objects.get(round=coffee_round).format == MeetingFormat.VIDEO


@pytest.mark.django_db
def test_only_members_who_still_consent_and_opted_in_are_paired() -> None:
    delegation = DelegationFactory(code="bretagne")
    kept = people(delegation, 4, now=NOW)
    revoked = people(delegation, 2, now=NOW)
    for member in revoked:
        consent_revoke(
            member=member,
            kind=ConsentKind.RECOMMENDATIONS,
            source=ConsentSource.PROFILE,
            recorded_by=member.user,
        )
    people(delegation, 2, now=NOW, opt_in=False)  # consent (a) but never opted in
    coffee_round = coffee_round_run(delegation=delegation, now=NOW, send_emails=False)
    paired = set().union(*groups_of(coffee_round))
    assert paired == {m.pk for m in kept}
    assert coffee_round.member_count == 4


@pytest.mark.django_db
@pytest.mark.parametrize("dense_limit", [1200, 4], ids=["all-pairs", "top-k-candidates"])
def test_no_pair_meets_twice_over_six_monthly_rounds(monkeypatch, dense_limit: int) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services, "DENSE_LIMIT", dense_limit)
    delegation = DelegationFactory(code="bretagne")
    members = people(delegation, 11, now=NOW)
    # Dismissed in the recommendations: never paired either.
    dismissal_create(member=members[0], dismissed=members[1])
    seen: set[frozenset[int]] = set()
    for n in range(6):
        coffee_round = coffee_round_run(delegation=delegation, now=month(n), send_emails=False)
        assert coffee_round.status == CoffeeRound.Status.DONE
        assert coffee_round.gap >= 0
        assert coffee_round.upper_bound >= coffee_round.total_weight - 1e-9
        met = {frozenset(p) for group in groups_of(coffee_round) for p in combinations(sorted(group), 2)}
        assert met
        assert not (met & seen), f"round {n + 1} repeats {met & seen}"
        seen |= met
        assert coffee_round.trio_count + coffee_round.priority_count >= 1  # 11 people: someone is odd
    assert frozenset((members[0].pk, members[1].pk)) not in seen


@pytest.mark.django_db
def test_odd_person_joins_a_trio_that_gets_reasons_for_both_others() -> None:
    delegation = DelegationFactory(code="bretagne")
    people(delegation, 5, now=NOW)
    coffee_round = coffee_round_run(delegation=delegation, now=NOW, send_emails=False)
    assert (coffee_round.pair_count, coffee_round.trio_count, coffee_round.priority_count) == (1, 1, 0)
    [trio] = [p for p in CoffeePairing.objects.filter(round=coffee_round) if p.participants.count() == 3]
    for participant in trio.participants.all():
        others = {str(o.member_id) for o in trio.participants.exclude(pk=participant.pk)}
        assert set(participant.reasons) == others
        assert all(participant.reasons[o] for o in others)


@pytest.mark.django_db
def test_odd_person_waits_with_priority_and_is_served_first_next_round() -> None:
    delegation = DelegationFactory(code="bretagne")
    people(delegation, 4, now=NOW)
    # A weaker profile: nothing in common with the others but visio — the one a plain
    # maximum-weight matching leaves alone, round after round.
    [weak] = people(
        delegation,
        1,
        now=NOW,
        situation=Situation.RECRUITER,
        phase=Phase.INTEGRATION,
        seeking_text="",
        offering_text="",
        availability=[],
    )
    weak.topics_sought.clear()
    weak.topics_offered.clear()
    first = coffee_round_run(delegation=delegation, now=NOW, odd_policy=OddPolicy.PRIORITY, send_emails=False)
    assert (first.pair_count, first.trio_count, first.priority_count) == (2, 0, 1)
    waiting = CoffeeWaiting.objects.get(round=first)
    assert waiting.member == weak
    second = coffee_round_run(
        delegation=delegation, now=month(1), odd_policy=OddPolicy.PRIORITY, send_emails=False
    )
    assert any(weak.pk in group for group in groups_of(second))
    waiting.refresh_from_db()
    assert waiting.served_in == second
    assert CoffeeWaiting.objects.get(round=second).member != weak


@pytest.mark.django_db
def test_a_quarterly_member_skips_two_rounds() -> None:
    delegation = DelegationFactory(code="bretagne")
    monthly = people(delegation, 4, now=NOW)
    [quarterly] = people(delegation, 1, now=NOW)
    coffee_opt_in(member=quarterly, frequency=3, now=NOW)
    coffee_round_run(delegation=delegation, now=NOW, send_emails=False)
    assert quarterly.pk in set().union(*groups_of(CoffeeRound.objects.get()))
    for n in (1, 2):
        coffee_round = coffee_round_run(delegation=delegation, now=month(n), send_emails=False)
        assert coffee_round.member_count == len(monthly)
    coffee_round = coffee_round_run(delegation=delegation, now=month(3), send_emails=False)
    assert coffee_round.member_count == 5


@pytest.mark.django_db
def test_each_person_gets_one_email_with_first_name_reasons_format_and_answer_links(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://pairs.example"
    delegation = DelegationFactory(code="bretagne")
    a, b = people(delegation, 2, now=NOW)
    coffee_round_run(delegation=delegation, now=NOW)
    coffee_round_run(delegation=delegation, now=NOW)  # same month again: nobody left to pair, no email
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    to_a = next(m for m in mail.outbox if m.to == [a.email])
    assert b.first_name in to_a.subject
    assert b.first_name in to_a.body
    assert "En visio" in to_a.body
    assert "jeudi soir" in to_a.body.lower()
    assert "https://pairs.example/cafe-entre-pairs/reponse/" in to_a.body
    assert b.email not in to_a.body  # nobody agreed to share their address


@pytest.mark.django_db
def test_addresses_are_shared_only_when_both_agree_and_both_consent_b() -> None:
    from .helpers import grant

    delegation = DelegationFactory(code="bretagne")
    a, b = people(delegation, 2, now=NOW, share_email=True)
    grant(a, ConsentKind.CONTACT_SHARING)
    coffee_round_run(delegation=delegation, now=NOW)
    assert b.email not in next(m for m in mail.outbox if m.to == [a.email]).body  # b lacks consent (b)
    grant(b, ConsentKind.CONTACT_SHARING)
    mail.outbox.clear()
    c, d = people(delegation, 2, now=NOW, share_email=True)
    for member in (c, d):
        grant(member, ConsentKind.CONTACT_SHARING)
    coffee_round_run(delegation=delegation, now=month(1))
    by_to = {m.to[0]: m.body for m in mail.outbox}
    for member in (a, b, c, d):
        pairing = CoffeePairing.objects.filter(round__period="2026-04", participants__member=member).get()
        partner = pairing.participants.exclude(member=member).get().member
        assert partner.email in by_to[member.email]


def test_suggested_format_and_slot() -> None:
    paris = {"departement_id": "75"}
    both = [Member(prefers_in_person=True, **paris), Member(prefers_in_person=True, **paris)]
    assert suggested_format(people=both, national=False) == (MeetingFormat.IN_PERSON, "75")
    assert suggested_format(people=both, national=True) == (MeetingFormat.VIDEO, None)
    one_visio = [Member(prefers_video=True, **paris), Member(prefers_in_person=True, **paris)]
    assert suggested_format(people=one_visio, national=False) == (MeetingFormat.VIDEO, None)
    apart = [Member(departement_id="75"), Member(departement_id="92")]
    assert suggested_format(people=apart, national=False) == (MeetingFormat.VIDEO, None)
    apart_in_person = [Member(departement_id="75", prefers_in_person=True), Member(departement_id="92")]
    assert suggested_format(people=apart_in_person, national=False) == (MeetingFormat.IN_PERSON, "75")
    slot_people = [
        Member(availability=["fri_lunch", "tue_morning"]),
        Member(availability=["fri_lunch", "tue_morning"]),
    ]
    assert suggested_slot(people=slot_people) == "tue_morning"
    assert suggested_slot(people=[Member(availability=["mon_lunch"]), Member(availability=[])]) == ""


@pytest.mark.django_db
def test_the_monthly_fan_out_runs_each_pool_once_a_month(settings) -> None:  # type: ignore[no-untyped-def]
    delegation = DelegationFactory(code="bretagne")
    people(delegation, 2, now=NOW)
    people(None, 2, now=NOW)
    MemberFactory()  # not opted in: no pool of its own
    assert coffee_rounds_monthly.call() == 2  # immediate backend: the rounds run now
    assert CoffeeRound.objects.count() == 2
    from django.utils import timezone

    assert coffee_pools_due(now=timezone.now()) == []
    assert coffee_rounds_monthly.call() == 0


@pytest.mark.django_db
def test_a_failed_round_is_stored_as_failed_and_does_not_count_for_the_month(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    delegation = DelegationFactory(code="bretagne")
    people(delegation, 2, now=NOW)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(services, "pair_round", broken)
    with pytest.raises(RuntimeError):
        coffee_round_run(delegation=delegation, now=NOW)
    failed = CoffeeRound.objects.get()
    assert failed.status == CoffeeRound.Status.FAILED
    assert "panne simulée" in failed.note
    assert not CoffeePairing.objects.exists()
    assert mail.outbox == []
    assert coffee_pools_due(now=NOW) == [delegation]
