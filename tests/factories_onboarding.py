"""Factories for the onboarding tests: ROME job titles with their folded search text."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from pairs.reference.models import RomeAppellation
from pairs_engine.text import fold
from tests.factories import RomeMetierFactory


class RomeAppellationFactory(DjangoModelFactory):
    class Meta:
        model = RomeAppellation
        django_get_or_create = ("code_ogr",)

    code_ogr = factory.Sequence(lambda n: f"{900000 + n}")
    label = factory.Sequence(lambda n: f"Intitulé {n}")
    metier = factory.SubFactory(RomeMetierFactory)
    is_principal = False
    emploi_cadre = True
    # What the reference loader stores: the label folded to lower-case ASCII words.
    search_text = factory.LazyAttribute(lambda title: fold(title.label))
