"""factory_boy factories for rencontres: places, rencontres, registrations, invitations.

Rows are written directly (no services, no emails). ``RegistrationFactory`` keeps the
rencontre's ``registered_count`` and ``last_position`` in step, as the services do, so
tests start from a consistent state.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.db.models import F
from django.utils import timezone
from factory.django import DjangoModelFactory

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
from pairs.network.models import Place, PlaceKind
from tests.factories import ConsultantFactory, DelegationFactory, MemberFactory


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Salle de test {n}")
    kind = PlaceKind.APEC_CENTRE
    address = "51 boulevard Brune"
    postcode = "75014"
    city = "Paris"
    delegation = factory.SubFactory(DelegationFactory)
    capacity = 40


class RencontreFactory(DjangoModelFactory):
    """A published, in-person rencontre in a week, organised by a consultant of its delegation."""

    class Meta:
        model = Rencontre
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rencontre de test {n}")
    description = "Une rencontre pour échanger entre pairs."
    format = Format.EXCHANGE_WORKSHOP
    mode = Mode.IN_PERSON
    organiser = factory.SubFactory(ConsultantFactory)
    delegation = factory.SelfAttribute("organiser.delegation")
    place = factory.SubFactory(PlaceFactory, delegation=factory.SelfAttribute("..delegation"))
    video_url = ""
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity_min = 2
    capacity_max = 10
    visibility = Visibility.PUBLIC
    status = Status.PUBLISHED

    @factory.post_generation
    def topics(self, create: bool, extracted: list[Any] | None, **kwargs: object) -> None:
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def co_organisers(self, create: bool, extracted: list[Any] | None, **kwargs: object) -> None:
        if create and extracted:
            self.co_organisers.set(extracted)


class RegistrationFactory(DjangoModelFactory):
    """A registration; the rencontre's counters move with it (walk-ins take no seat)."""

    class Meta:
        model = Registration

    rencontre = factory.SubFactory(RencontreFactory)
    member = factory.SubFactory(MemberFactory)
    status = RegistrationStatus.REGISTERED
    position = 0  # replaced in _create
    attendance = Attendance.UNKNOWN
    walk_in = False
    registered_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type[Registration], *args: Any, **kwargs: Any) -> Registration:
        rencontre: Rencontre = kwargs["rencontre"]
        takes_seat = kwargs.get("status") == RegistrationStatus.REGISTERED and not kwargs.get("walk_in")
        Rencontre.objects.filter(pk=rencontre.pk).update(
            last_position=F("last_position") + 1,
            registered_count=F("registered_count") + (1 if takes_seat else 0),
        )
        rencontre.refresh_from_db(fields=["last_position", "registered_count"])
        if not kwargs.get("position"):
            kwargs["position"] = rencontre.last_position
        if kwargs.get("status") != RegistrationStatus.REGISTERED:
            kwargs["registered_at"] = None
        return super()._create(model_class, *args, **kwargs)


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    rencontre = factory.SubFactory(RencontreFactory)
    member = factory.SubFactory(MemberFactory)
    invited_by = factory.SelfAttribute("rencontre.organiser")
