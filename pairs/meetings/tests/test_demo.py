"""The demo history of rencontres: consistent with what the services would have written."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from pairs.core.demo import DEMO_DOMAIN, DEMO_MEMBER_EMAIL
from pairs.core.models import OutgoingEmail
from pairs.meetings.demo import _simulate, demo_rencontres_seed
from pairs.meetings.models import (
    Attendance,
    Format,
    Invitation,
    InvitationResponse,
    Mode,
    Registration,
    RegistrationStatus,
    Rencontre,
    Series,
    Status,
)
from pairs.meetings.selectors import member_rencontres
from pairs.members.models import Member
from pairs.network.models import PlaceKind
from pairs.privacy.demo import demo_consents_seed
from tests.factories import (
    ConsultantFactory,
    DelegationFactory,
    DepartementFactory,
    MemberFactory,
    RegionFactory,
)
from tests.factories_meetings import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo() -> None:
    """Two delegations with staff, places, 60 members each (consents given), and the demo member."""
    for code, region_code, city, departement in (
        ("ile-de-france", "11", "Paris", "75"),
        ("auvergne-rhone-alpes", "84", "Lyon", "69"),
    ):
        region = RegionFactory(code=region_code)
        dep = DepartementFactory(code=departement, region=region)
        delegation = DelegationFactory(code=code, name=f"Apec {city}", regions=[region], in_experiment=True)
        for index in range(3):
            ConsultantFactory(delegation=delegation, user__email=f"c{index}.{code}@{DEMO_DOMAIN}")
        PlaceFactory(delegation=delegation, name=f"Apec {city}", kind=PlaceKind.APEC_CENTRE, city=city)
        PlaceFactory(delegation=delegation, name=f"Salon de {city}", kind=PlaceKind.SALON, city=city)
        PlaceFactory(delegation=delegation, name=f"En ligne ({city})", kind=PlaceKind.ONLINE, city="")
        for _ in range(60):
            MemberFactory(departement=dep, delegation=delegation)
    home = DelegationFactory(code="ile-de-france")
    MemberFactory(email=DEMO_MEMBER_EMAIL, departement_id="75", delegation=home)
    demo_consents_seed(seed=1)


def test_the_simulation_never_overbooks_and_promotes_in_arrival_order() -> None:
    start = timezone.now()
    arrivals = [(start + timedelta(minutes=i), 100 + i) for i in range(5)]
    # 100 and 101 get the two seats, 102, 103, 104 wait; 100 leaves: 102 is promoted.
    seats, taken = _simulate(capacity=2, arrivals=arrivals, cancellations={100: start + timedelta(hours=1)})
    by_member = {seat.member_id: seat for seat in seats}
    assert taken == 2
    assert by_member[100].status == RegistrationStatus.CANCELLED
    assert by_member[102].status == RegistrationStatus.REGISTERED
    assert by_member[102].promoted_at is not None
    assert [by_member[m].status for m in (103, 104)] == [RegistrationStatus.WAITLISTED] * 2
    assert [seat.position for seat in seats] == [1, 2, 3, 4, 5]


def test_the_demo_history_is_consistent(small_demo: None) -> None:
    now = timezone.now()
    summary = demo_rencontres_seed(rng=random.Random(7), now=now)
    assert summary["rencontres"] == Rencontre.objects.count() > 20
    assert summary["registrations"] > 100
    assert summary["invitations"] > 0
    assert summary["series"] == 1

    rencontres = Rencontre.objects.annotate(
        seated=Count(
            "registrations", filter=Q(registrations__status="registered", registrations__walk_in=False)
        ),
        waiting=Count("registrations", filter=Q(registrations__status="waitlisted")),
        rows=Count("registrations"),
        positions=Count("registrations__position", distinct=True),
        top=Max("registrations__position"),
    )
    for r in rencontres:
        assert r.registered_count == r.seated <= r.capacity_max, r.title
        if r.waiting:
            assert r.registered_count == r.capacity_max, r.title  # a waitlist only when full
        assert r.positions == r.rows
        assert (r.top or 0) <= r.last_position
    # Attendance and walk-ins only once the rencontre is over; every seat of a past one checked.
    marked = Registration.objects.exclude(attendance=Attendance.UNKNOWN)
    assert not marked.filter(rencontre__ends_at__gt=now).exists()
    assert not Registration.objects.filter(walk_in=True, rencontre__ends_at__gt=now).exists()
    past_seats = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED, rencontre__ends_at__lte=now, rencontre__status=Status.PUBLISHED
    )
    assert past_seats.exists()
    assert not past_seats.filter(attendance=Attendance.UNKNOWN).exists()
    shares = Counter(past_seats.filter(walk_in=False).values_list("attendance", flat=True))
    assert 0.65 <= shares[Attendance.PRESENT] / sum(shares.values()) <= 0.92
    # Arrivals before the start; a promotion is a registration.
    assert not Registration.objects.filter(walk_in=False, requested_at__gt=now).exists()
    assert (
        not Registration.objects.filter(promoted_at__isnull=False)
        .exclude(status="registered")
        .exclude(status="cancelled")
        .exists()
    )

    # Everything the lists need to show something.
    assert set(Rencontre.objects.values_list("format", flat=True)) == set(Format.values)
    assert set(Rencontre.objects.values_list("mode", flat=True)) == set(Mode.values)
    assert Rencontre.objects.filter(status=Status.CANCELLED).exclude(cancel_reason="").count() == 1
    assert Rencontre.objects.filter(status=Status.DRAFT).exists()
    assert Rencontre.objects.filter(starts_at__gt=now, registrations__status="waitlisted").exists()
    assert Rencontre.objects.filter(format=Format.ALONGSIDE_EVENT, parent_event__isnull=False).exists()
    series = Series.objects.get()
    assert series.rencontres.count() == 6
    assert series.rencontres.filter(registered_count__gt=0).exists()
    cross = Invitation.objects.exclude(invited_by__delegation=F("rencontre__delegation"))
    assert cross.exists()
    assert set(Invitation.objects.values_list("response", flat=True)) == set(InvitationResponse.values)
    # Bulk rows send nothing.
    assert not mail.outbox
    assert not OutgoingEmail.objects.exists()

    # The demo member has something in every part of "Mes rencontres".
    lists = member_rencontres(member=Member.objects.get(email=DEMO_MEMBER_EMAIL), now=now)
    assert lists.upcoming
    assert lists.waitlisted
    assert lists.invitations
    assert lists.past
    assert lists.past[0].attendance == Attendance.PRESENT

    # Running it again adds nothing.
    again = demo_rencontres_seed(rng=random.Random(7), now=now)
    assert again["rencontres"] == 0
    assert Rencontre.objects.count() == summary["rencontres"]
