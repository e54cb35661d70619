"""Writes on members. The delegation always follows from the département."""

from __future__ import annotations

from django.db import transaction

from pairs.accounts.models import User
from pairs.network.selectors import delegation_for_departement
from pairs.reference.models import Departement, NafDivision, RomeMetier

from .models import Member, Phase, Situation


@transaction.atomic
def member_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    situation: Situation,
    phase: Phase,
    departement: Departement | None = None,
    current_job: RomeMetier | None = None,
    sector: NafDivision | None = None,
    user: User | None = None,
) -> Member:
    member = Member(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        situation=situation,
        phase=phase,
        departement=departement,
        delegation=delegation_for_departement(departement_code=departement.code) if departement else None,
        current_job=current_job,
        sector=sector,
        user=user,
    )
    member.full_clean()
    member.save()
    return member
