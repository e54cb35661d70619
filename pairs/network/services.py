"""Writes on the network: delegations, consultants and their delegation."""

from __future__ import annotations

from django.db import transaction

from pairs.accounts.models import DELEGATION_ROLES, Role
from pairs.accounts.services import user_create
from pairs.reference.models import Region

from .delegations import DELEGATIONS
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
    email_verified: bool = False,
) -> Consultant:
    if role not in DELEGATION_ROLES:
        raise ValueError(f"A consultant's role must be one of {sorted(DELEGATION_ROLES)}, not {role!r}.")
    user = user_create(
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        password=password,
        email_verified=email_verified,
    )
    return Consultant.objects.create(user=user, delegation=delegation, title=title)


@transaction.atomic
def delegations_sync() -> int:
    """Create or update the delegations of the DELEGATIONS table: name and régions.

    Idempotent; `in_experiment` is never touched, as the national team sets it.
    Delegations absent from the table are left alone. Returns how many
    delegations were created or changed (0 when all were already in step).
    """
    wanted_codes = {code for spec in DELEGATIONS for code in spec.region_codes}
    regions = {region.code: region for region in Region.objects.filter(code__in=wanted_codes)}
    missing = sorted(wanted_codes - regions.keys())
    if missing:
        # Operator-facing, like ReferenceDataError: one French sentence.
        raise ValueError(
            f"Régions absentes de la base : {', '.join(missing)} ; chargez d'abord les données de référence."
        )
    changed = 0
    for spec in DELEGATIONS:
        delegation, created = Delegation.objects.get_or_create(code=spec.code, defaults={"name": spec.name})
        dirty = created
        if delegation.name != spec.name:
            delegation.name = spec.name
            delegation.save(update_fields=["name"])
            dirty = True
        if set(delegation.regions.values_list("code", flat=True)) != set(spec.region_codes):
            delegation.regions.set([regions[code] for code in spec.region_codes])
            dirty = True
        if dirty:
            changed += 1
    return changed
