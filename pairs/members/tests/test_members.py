from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pairs.members.models import Member, Phase, Situation
from pairs.members.selectors import member_list_visible_to
from pairs.members.services import member_create
from pairs.reference.models import Departement
from tests.factories import MemberFactory
from tests.fixtures import World


def test_member_create_derives_the_delegation_from_the_departement(world: World) -> None:
    member = member_create(
        first_name=" Inès ",
        last_name="Moreau",
        email="Ines.Moreau@Exemple.FR",
        situation=Situation.GRADUATE,
        phase=Phase.PREPARATION,
        departement=Departement.objects.get(code="69"),
    )
    assert member.delegation == world.other
    assert (member.first_name, member.email) == ("Inès", "ines.moreau@exemple.fr")


def test_member_create_refuses_an_unknown_situation_and_stores_nothing(world: World) -> None:
    before = Member.objects.count()
    with pytest.raises(ValidationError) as error:
        member_create(
            first_name="A",
            last_name="B",
            email="a.b@exemple.fr",
            situation="astronaut",  # type: ignore[arg-type]
            phase=Phase.PREPARATION,
        )
    assert "situation" in error.value.message_dict
    assert Member.objects.count() == before


def test_consultants_see_their_delegation_only_and_national_sees_all(world: World) -> None:
    lyon = Departement.objects.get(code="69")
    MemberFactory(departement=lyon, delegation=world.other, email="lyon@exemple.fr")
    assert list(member_list_visible_to(viewer=world.consultant_same)) == [world.member_profile]
    assert [m.email for m in member_list_visible_to(viewer=world.consultant_other)] == ["lyon@exemple.fr"]
    assert member_list_visible_to(viewer=world.national).count() == 2


def test_member_list_page_shows_only_visible_members(world: World) -> None:
    MemberFactory(
        departement=Departement.objects.get(code="69"), delegation=world.other, last_name="Lyonnais"
    )
    client = Client()
    client.force_login(world.consultant_same)
    page = client.get(reverse("members:list")).content.decode()
    assert world.member_profile.last_name in page
    assert "Lyonnais" not in page


def test_a_consultant_also_sees_their_own_contacts_from_other_delegations(world: World) -> None:
    from pairs.contacts.models import Contact, ContactBasis

    lyon_member = MemberFactory(departement=Departement.objects.get(code="69"), delegation=world.other)
    Contact.objects.create(
        consultant=world.consultant_same.consultant, member=lyon_member, basis=ContactBasis.EVENT
    )
    visible = list(member_list_visible_to(viewer=world.consultant_same))
    assert sorted(m.pk for m in visible) == sorted([world.member_profile.pk, lyon_member.pk])
    assert lyon_member not in member_list_visible_to(viewer=world.lead_same)
