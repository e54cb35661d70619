"""A small world shared by cross-cutting tests: two delegations, one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress

from pairs.accounts.models import Role, User
from pairs.accounts.services import user_set_role
from pairs.members.models import Member
from pairs.network.models import Delegation
from tests.factories import (
    ConsultantFactory,
    DelegationFactory,
    DepartementFactory,
    MemberFactory,
    RegionFactory,
    UserFactory,
)

PASSWORD = "mot-de-passe-de-test"


@dataclass
class World:
    home: Delegation
    other: Delegation
    member: User
    member_profile: Member
    consultant_same: User
    consultant_other: User
    lead_same: User
    national: User
    admin: User

    def users_by_role(self) -> dict[str, User | None]:
        """The viewers every access rule is checked against (None: anonymous)."""
        return {
            "anonymous": None,
            "member": self.member,
            "consultant_same_delegation": self.consultant_same,
            "consultant_other_delegation": self.consultant_other,
            "lead_same_delegation": self.lead_same,
            "national": self.national,
            "admin": self.admin,
        }


def _verified(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def world(db: None) -> World:
    idf_region = RegionFactory(code="11", label="Île-de-France")
    ara_region = RegionFactory(code="84", label="Auvergne-Rhône-Alpes")
    paris = DepartementFactory(code="75", label="Paris", region=idf_region)
    DepartementFactory(code="69", label="Rhône", region=ara_region)
    home = DelegationFactory(code="ile-de-france", name="Apec Île-de-France", regions=[idf_region])
    other = DelegationFactory(
        code="auvergne-rhone-alpes", name="Apec Auvergne-Rhône-Alpes", regions=[ara_region]
    )
    member = _verified(UserFactory(email="membre@exemple.fr", role=Role.MEMBER))
    # A fixed name: tests look for other people's (random) names on pages this member also appears on.
    profile = MemberFactory(
        user=member,
        email=member.email,
        departement=paris,
        delegation=home,
        first_name="Camille",
        last_name="Témoin",
    )
    consultant_same = _verified(ConsultantFactory(user__email="c.idf@exemple.fr", delegation=home).user)
    consultant_other = _verified(ConsultantFactory(user__email="c.ara@exemple.fr", delegation=other).user)
    lead = _verified(
        ConsultantFactory(
            user__email="lead.idf@exemple.fr", user__role=Role.DELEGATION_LEAD, delegation=home
        ).user
    )
    national = _verified(user_set_role(user=UserFactory(email="national@exemple.fr"), role=Role.NATIONAL))
    admin = _verified(user_set_role(user=UserFactory(email="admin@exemple.fr"), role=Role.ADMIN))
    return World(home, other, member, profile, consultant_same, consultant_other, lead, national, admin)
