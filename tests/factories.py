"""factory_boy factories for the domain models, small and explicit."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from pairs.accounts.models import Role, User
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Consultant, Delegation
from pairs.reference.models import Departement, Region, RomeDomaine, RomeGrandDomaine, RomeMetier


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Three characters at most (the column is varchar(3)), however many tests ran before.
    code = factory.Sequence(lambda n: f"{50 + n % 900}")
    label = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    label = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = Delegation
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"delegation-{n}")
    name = factory.Sequence(lambda n: f"Apec Délégation {n}")

    @factory.post_generation
    def regions(self, create: bool, extracted: list[Region] | None, **kwargs: object) -> None:
        if create and extracted:
            self.regions.set(extracted)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.MEMBER
    password = factory.django.Password("mot-de-passe-de-test")


class ConsultantFactory(DjangoModelFactory):
    class Meta:
        model = Consultant

    user = factory.SubFactory(UserFactory, role=Role.CONSULTANT)
    delegation = factory.SubFactory(DelegationFactory)
    title = "Consultant·e Apec"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    situation = Situation.JOB_SEEKER
    phase = Phase.TRANSITION
    departement = factory.SubFactory(DepartementFactory)
    delegation = None


class RomeGrandDomaineFactory(DjangoModelFactory):
    class Meta:
        model = RomeGrandDomaine
        django_get_or_create = ("code",)

    code = "M"
    label = "Support à l'entreprise"


class RomeDomaineFactory(DjangoModelFactory):
    class Meta:
        model = RomeDomaine
        django_get_or_create = ("code",)

    code = "M17"
    label = "Marketing, stratégie commerciale"
    grand_domaine = factory.SubFactory(RomeGrandDomaineFactory)


class RomeMetierFactory(DjangoModelFactory):
    class Meta:
        model = RomeMetier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"M{1700 + n % 300:04d}")
    label = factory.Sequence(lambda n: f"Métier cadre {n}")
    domaine = factory.SubFactory(RomeDomaineFactory)
    emploi_cadre = True


class TopicFactory(DjangoModelFactory):
    """Topics come from a data migration; this one adds test topics beside them."""

    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"thematique-test-{n}")
    label = factory.Sequence(lambda n: f"Thématique de test {n}")
    position = factory.Sequence(lambda n: 100 + n)
