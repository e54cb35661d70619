"""Every model of ours is in the Django admin, and its pages open."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.fixtures import World

OUR_APPS = (
    "core",
    "accounts",
    "reference",
    "network",
    "members",
    "privacy",
    "contacts",
    "onboarding",
    "outreach",
    "meetings",
    "recommendations",
    "seating",
    "feedback",
    "coffee",
    "insights",
    "imports",
)


def _our_models() -> list[type]:
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_ours_is_registered_in_the_admin() -> None:
    missing = [model.__name__ for model in _our_models() if not admin.site.is_registered(model)]
    assert missing == []


@pytest.mark.parametrize("model", _our_models(), ids=lambda model: model._meta.label)
def test_admin_changelist_and_add_pages_open(world: World, model: type) -> None:
    client = Client()
    client.force_login(world.admin)
    meta = model._meta
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
    # Append-only histories (consents, audit trail) refuse additions from the admin.
    can_add = admin.site.get_model_admin(model).has_add_permission(_request_as(world.admin))
    expected = 200 if can_add else 403
    assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == expected


def _request_as(user: object) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    return request


def test_national_team_edits_delegations_but_not_accounts(world: World) -> None:
    client = Client()
    client.force_login(world.national)
    delegation_url = reverse("admin:network_delegation_change", args=[world.home.pk])
    assert client.get(delegation_url).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:members_topic_add")).status_code == 200
