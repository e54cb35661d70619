"""Writes on the network: consultants and their delegation."""

from __future__ import annotations

from django.db import transaction

from pairs.accounts.models import DELEGATION_ROLES, Role
from pairs.accounts.services import user_create

from .models import Consultant, Delegation


@transaction.atomic
def consultant_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    delegation: Delegation,
    title: str = "",
    role: Role = Role.CONSULTANT,
    password: str | None = None,
) -> Consultant:
    if role not in DELEGATION_ROLES:
        raise ValueError(f"A consultant's role must be one of {sorted(DELEGATION_ROLES)}, not {role!r}.")
    user = user_create(email=email, role=role, first_name=first_name, last_name=last_name, password=password)
    return Consultant.objects.create(user=user, delegation=delegation, title=title)
