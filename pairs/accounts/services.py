"""Writes on accounts. Role changes keep Django's staff flags in step."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Role, User

NATIONAL_GROUP = "Équipe nationale"
# The national team edits the network (delegations, places) and reads the rest.
# Keys are an app label, or "app_label.model" for one model.
_NATIONAL_PERMISSIONS = {
    "network": ("view", "change", "add"),
    "reference": ("view",),
    "members": ("view",),
    # The curated list of transition topics is the national team's to edit.
    "members.topic": ("add", "change"),
    "privacy": ("view",),
    "outreach": ("view",),
    "outreach.accessibilityreport": ("change",),  # so they can mark reports as handled
}


def national_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=NATIONAL_GROUP)
    wanted = Permission.objects.none()
    for scope, actions in _NATIONAL_PERMISSIONS.items():
        app_label, _dot, model = scope.partition(".")
        in_scope = Permission.objects.filter(content_type__app_label=app_label)
        if model:
            in_scope = in_scope.filter(content_type__model=model)
        for action in actions:
            wanted |= in_scope.filter(codename__startswith=action + "_")
    group.permissions.set(wanted)
    return group


@transaction.atomic
def user_set_role(*, user: User, role: Role) -> User:
    user.role = role
    user.is_staff = role in (Role.NATIONAL, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    group = national_group_ensure()
    if role == Role.NATIONAL:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role = Role.MEMBER,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    email_verified: bool = False,
) -> User:
    """Create an account; ``email_verified`` when the address is already known to be theirs."""
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user_set_role(user=user, role=role)
