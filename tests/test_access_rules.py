"""Every URL declares who may use it, and the declaration is what happens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from pairs.core.access import (
    ALL_RULES,
    NAMESPACE_RULES,
    THIRD_PARTY_RULES,
    AccessRule,
    iter_routes,
    routes_without_rule,
)
from tests.fixtures import World

# What each rule must allow, viewer by viewer. The URL of a delegation-scoped
# page names the "home" delegation of the test world.
VIEWERS = (
    "anonymous",
    "member",
    "consultant_same_delegation",
    "consultant_other_delegation",
    "lead_same_delegation",
    "national",
    "admin",
)
_STAFF = {
    "consultant_same_delegation",
    "consultant_other_delegation",
    "lead_same_delegation",
    "national",
    "admin",
}
ALLOWED_VIEWERS: dict[str, set[str]] = {
    "public": set(VIEWERS),
    "signed_in": set(VIEWERS) - {"anonymous"},
    "member": {"member"},
    "staff": _STAFF,
    "organisers": {"consultant_same_delegation", "consultant_other_delegation", "lead_same_delegation"},
    "delegation_staff": _STAFF - {"consultant_other_delegation"},
    "national": {"national", "admin"},
    "admin_site": {"national", "admin"},
}
EXPECTED: dict[str, dict[str, bool]] = {
    rule: {viewer: viewer in allowed for viewer in VIEWERS} for rule, allowed in ALLOWED_VIEWERS.items()
}


def sample_kwargs(world: World) -> dict[str, dict[str, Any]]:
    """URL arguments for every named route that takes some."""
    member = world.member_profile.pk
    return {
        "network:delegation_detail": {"delegation_code": world.home.code},
        "contacts:member_detail": {"member_id": member},
        "contacts:contact_add": {"member_id": member},
        "contacts:contact_remove": {"member_id": member},
        "contacts:note_create": {"member_id": member},
        # No such note: the POST-only endpoints answer GET with 405 before any lookup.
        "contacts:note_update": {"member_id": member, "note_id": 1},
        "contacts:note_delete": {"member_id": member, "note_id": 1},
        "onboarding:invite": {"member_id": member},
        "onboarding:activate": {"token": "invalide"},
        # Rencontres: no such rencontre or registration; allowed viewers get 404 (405 on POST-only routes).
        **{
            name: {"rencontre_id": 999999}
            for name in (
                "meetings:detail",
                "meetings:register",
                "meetings:unregister",
                "meetings:ics",
                "meetings:edit",
                "meetings:publish",
                "meetings:cancel",
                "meetings:invite",
                "meetings:participants",
                "meetings:participant_add",
                "meetings:checkin",
                "meetings:walk_in",
                "meetings:attendance_sheet",
            )
        },
        "meetings:participant_remove": {"rencontre_id": 999999, "registration_id": 1},
        "meetings:checkin_mark": {"rencontre_id": 999999, "registration_id": 1},
        "meetings:invitation_answer": {"token": "invalide", "answer": "accept"},
        "meetings:feed": {"token": "invalide"},
        "meetings:delegation_feed": {"delegation_code": world.home.code},
        "meetings:delegation_calendar": {"delegation_code": world.home.code},
        "feedback:answer": {"token": "invalide"},
        "feedback:answer_contacts": {"token": "invalide"},
        "feedback:outcome": {"token": "invalide"},
        "feedback:my_feedback": {"rencontre_id": 999999},
        "feedback:contacts": {"rencontre_id": 999999},
        "feedback:results": {"rencontre_id": 999999},
        "seating:plan": {"rencontre_id": 999999},
        "seating:replan": {"rencontre_id": 999999},
        "seating:cards": {"rencontre_id": 999999},
        "seating:screen": {"rencontre_id": 999999},
        "recommendations:dismiss": {"member_id": 999999},
        "recommendations:weights_activate": {"weight_set_id": 999999},
        "coffee:outcome": {"participant_id": 999999, "answer": "met"},
        "coffee:share": {"participant_id": 999999},
        "coffee:answer": {"token": "invalide", "answer": "met"},
        "coffee:rounds": {"delegation_code": world.home.code},
        "coffee:run": {"delegation_code": world.home.code},
        "insights:delegation": {"delegation_code": world.home.code},
        "insights:delegation_export": {"delegation_code": world.home.code},
        "insights:wave_edit": {"wave_id": 999999},
        "outreach:signup_confirm": {"token": "invalide"},
        "outreach:signup_unsubscribe": {"token": "invalide"},
        "outreach:signup_invite": {"signup_id": 1},  # POST-only: GET answers 405 before any lookup
        # No such import: allowed viewers get 404 (or 405 on POST-only routes).
        **{
            name: {"job_id": 1}
            for name in (
                "imports:mapping",
                "imports:preview",
                "imports:progress",
                "imports:resume",
                "imports:errors",
            )
        },
    }


def _own_routes() -> list[Any]:
    third_party = tuple(THIRD_PARTY_RULES)
    return [
        route
        for route in iter_routes()
        if not (route.callback.__module__ or "").startswith(third_party)
        and not set(route.namespaces) & set(NAMESPACE_RULES)
    ]


def test_every_url_declares_an_access_rule() -> None:
    missing = [f"{route.route} ({route.name})" for route in routes_without_rule()]
    assert missing == [], f"URLs sans règle d'accès déclarée : {missing}"


@override_settings(ROOT_URLCONF="tests.urls_with_undeclared_view")
def test_a_view_without_rule_is_reported_and_refused(client: Client) -> None:
    assert [route.name for route in routes_without_rule()] == ["forgotten"]
    with pytest.raises(ImproperlyConfigured, match="has no access rule"):
        client.get("/oubli/")


def test_every_rule_has_expectations_for_every_viewer() -> None:
    assert {rule.name for rule in ALL_RULES} == set(EXPECTED)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.name)
def test_rule_allows_exactly_the_expected_viewers(world: World, rule: AccessRule) -> None:
    kwargs = {"delegation_code": world.home.code}
    for viewer_name, user in world.users_by_role().items():
        viewer = user if user is not None else AnonymousUser()
        assert rule.allows(viewer, kwargs) is EXPECTED[rule.name][viewer_name], (rule.name, viewer_name)


def _is_login_redirect(response: Any) -> bool:
    return (
        response.status_code == 302
        and re.search(r"/(compte/login|admin/login)/", response["Location"]) is not None
    )


def test_every_own_url_enforces_its_rule_for_every_viewer(world: World) -> None:
    kwargs_by_name = sample_kwargs(world)
    routes = [*_own_routes()]
    checked = 0
    for route in routes:
        needs_kwargs = "<" in route.route
        if needs_kwargs and route.name not in kwargs_by_name:
            pytest.fail(
                f"Ajoutez des arguments d'exemple pour {route.name} ({route.route}) dans sample_kwargs()."
            )
        url = reverse(route.name, kwargs=kwargs_by_name.get(route.name, {}))
        rule = route.rule
        assert rule is not None
        for viewer_name, user in world.users_by_role().items():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            allowed = EXPECTED[rule.name][viewer_name]
            if allowed:
                message = f"{viewer_name} devrait accéder à {url} ({rule.name}) : {response.status_code}"
                assert response.status_code not in (401, 403), message
                assert not _is_login_redirect(response), message
            elif user is None:
                assert _is_login_redirect(response), f"anonyme devrait être redirigé depuis {url}"
            else:
                assert response.status_code == 403, (
                    f"{viewer_name} ne devrait pas accéder à {url} ({rule.name})"
                )
            checked += 1
    assert checked >= len(routes) * 7


def test_admin_site_lets_in_exactly_the_declared_roles(world: World) -> None:
    url = reverse("admin:index")
    for viewer_name, user in world.users_by_role().items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if EXPECTED["admin_site"][viewer_name]:
            assert response.status_code == 200, viewer_name
        else:
            assert _is_login_redirect(response), viewer_name
