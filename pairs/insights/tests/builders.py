"""A small random history of rencontres written straight into the tables (fast, no services)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from pairs.feedback.models import Connection, Feedback, OutcomeResult, OutcomeSurvey
from pairs.meetings.models import (
    Attendance,
    Format,
    Invitation,
    Mode,
    Registration,
    RegistrationStatus,
    Rencontre,
    Status,
    Visibility,
)
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Consultant, Delegation
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant, consent_revoke
from tests.factories import ConsultantFactory, DelegationFactory, TopicFactory


@dataclass
class History:
    delegations: list[Delegation]
    consultants: list[Consultant]
    members: list[Member]
    rencontres: list[Rencontre]
    first_day: date
    last_day: date


def local_at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def history_build(
    *,
    seed: int = 1,
    days: int = 50,
    first_day: date = date(2026, 1, 20),
    members: int = 40,
    delegations: list[Delegation] | None = None,
    consultants: list[Consultant] | None = None,
) -> History:
    rng = random.Random(seed)
    if delegations is None:
        delegations = [
            DelegationFactory(
                code=f"deleg-{seed}-{i}", name=f"Délégation {seed}-{i}", in_experiment=i % 2 == 0
            )
            for i in range(3)
        ]
    if consultants is None:
        consultants = [ConsultantFactory(delegation=d) for d in delegations]
    topics = list(Topic.objects.all()[:4]) or [TopicFactory() for _ in range(4)]
    people = Member.objects.bulk_create(
        [
            Member(
                first_name=f"P{i}",
                last_name=f"N{i}",
                email=f"hist-{seed}-{i}@exemple.fr",
                situation=rng.choice(Situation.values),
                phase=rng.choice(Phase.values),
                delegation=rng.choice(delegations),
            )
            for i in range(members)
        ]
    )
    for member in people:
        roll = rng.random()
        if roll < 0.65:
            consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
        elif roll < 0.75:  # granted then withdrawn: must count as not consenting
            consent_grant(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
            consent_revoke(member=member, kind=ConsentKind.STATISTICS, source=ConsentSource.PROFILE)
    rencontres: list[Rencontre] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for _ in range(rng.choice((0, 1, 1, 2))):
            consultant = rng.choice(consultants)
            # Late evening starts too: the local date, not the UTC one, decides the day.
            hour = rng.choice((9, 14, 18, 23))
            rencontre = Rencontre.objects.create(
                title=f"Rencontre du {day:%d/%m} n°{len(rencontres) + 1}",
                description="Un échange.",
                format=rng.choice(Format.values[:4]),
                mode=Mode.IN_PERSON,
                starts_at=local_at(day, hour),
                ends_at=local_at(day, hour) + timedelta(minutes=50),
                capacity_max=30,
                delegation=consultant.delegation,
                organiser=consultant,
                visibility=Visibility.DELEGATION,
                status=rng.choice((Status.PUBLISHED,) * 5 + (Status.CANCELLED, Status.DRAFT)),
            )
            rencontre.topics.set(rng.sample(topics, rng.randint(0, 2)))
            rencontres.append(rencontre)
            guests = rng.sample(people, rng.randint(0, 12))
            invitations, registrations = [], []
            for position, member in enumerate(guests, start=1):
                if rng.random() < 0.7:
                    invitations.append(Invitation(rencontre=rencontre, member=member, invited_by=consultant))
                if rng.random() < 0.85:
                    walk_in = rng.random() < 0.1
                    status = (
                        RegistrationStatus.REGISTERED
                        if walk_in
                        else rng.choice(
                            [RegistrationStatus.REGISTERED] * 5
                            + [RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED]
                        )
                    )
                    attendance = Attendance.PRESENT if walk_in else Attendance.UNKNOWN
                    if status == RegistrationStatus.REGISTERED and not walk_in:
                        attendance = rng.choice(
                            [Attendance.PRESENT] * 3 + [Attendance.ABSENT, Attendance.UNKNOWN]
                        )
                    registrations.append(
                        Registration(
                            rencontre=rencontre,
                            member=member,
                            status=status,
                            position=position,
                            attendance=attendance,
                            walk_in=walk_in,
                        )
                    )
            Invitation.objects.bulk_create(invitations)
            saved = Registration.objects.bulk_create(registrations)
            present = [r for r in saved if r.attendance == Attendance.PRESENT]
            Feedback.objects.bulk_create(
                [
                    Feedback(
                        registration=r,
                        satisfaction=rng.randint(1, 5),
                        usefulness=rng.randint(1, 5),
                        nps=rng.randint(0, 10),
                        submitted_at=rencontre.ends_at,
                        updated_at=rencontre.ends_at,
                    )
                    for r in present
                    if rng.random() < 0.6
                ]
            )
            present_members = sorted({r.member_id for r in present})
            pairs = set()
            for _ in range(len(present_members) // 2):
                a, b = sorted(rng.sample(present_members, 2))
                if (
                    not Connection.objects.filter(member_a_id=a, member_b_id=b).exists()
                    and (a, b) not in pairs
                ):
                    pairs.add((a, b))
            Connection.objects.bulk_create(
                [Connection(member_a_id=a, member_b_id=b, rencontre=rencontre) for a, b in pairs]
            )
            for member_id in present_members:
                for wave in (3, 6):
                    if (
                        rng.random() < 0.3
                        and not OutcomeSurvey.objects.filter(member_id=member_id, wave=wave).exists()
                    ):
                        answered = rng.random() < 0.7
                        OutcomeSurvey.objects.create(
                            member_id=member_id,
                            wave=wave,
                            first_rencontre=rencontre,
                            due_at=rencontre.starts_at + timedelta(days=30 * wave),
                            answered_at=rencontre.starts_at + timedelta(days=30 * wave + 2)
                            if answered
                            else None,
                            result=rng.choice(OutcomeResult.values)
                            if answered and rng.random() < 0.9
                            else "",
                        )
    return History(
        delegations, consultants, people, rencontres, first_day, first_day + timedelta(days=days - 1)
    )
