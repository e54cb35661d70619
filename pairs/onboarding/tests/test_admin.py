"""The invitations are visible to the national team and administrators, never editable."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.fixtures import World


def test_invitation_admin_is_read_only(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.get(reverse("admin:onboarding_activationinvitation_changelist")).status_code == 200
    assert client.get(reverse("admin:onboarding_activationinvitation_add")).status_code == 403
