"""axe-core on every page we have built, for the roles that see it.

A new page is one more line in ``PAGES``; ``test_every_page_of_ours_is_checked``
fails until it is there. axe-core comes bundled with axe-playwright-python
(``axe.min.js``) and is injected into the page: nothing is fetched from the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from pairs.core.access import NAMESPACE_RULES, THIRD_PARTY_RULES, iter_routes
from pairs.meetings.models import Registration
from tests.browser_fixtures import LoginAs
from tests.fixtures import World

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = frozenset({"serious", "critical"})

# allauth's pages are third-party views, but they render our templates inside our
# layout and are the way in: the login pages are checked like our own.
LOGIN_ROUTES = frozenset({"account_login", "account_request_login_code", "account_confirm_login_code"})

# Named routes of ours that are not HTML pages, and why; each is requested below
# to prove it (a GET gets no HTML page: JSON, a file, a redirect or 405).
NOT_PAGES = {
    "core:health": "JSON health check for monitoring, not a page.",
    "contacts:contact_add": "POST endpoint of the member page.",
    "contacts:note_create": "POST endpoint of the member page.",
    "contacts:note_update": "POST endpoint of the member page.",
    "contacts:note_delete": "POST endpoint of the member page.",
    "onboarding:invite": "POST endpoint (invite a contact).",
    "onboarding:start": "Redirects to the first profile step.",
    "privacy:consent": "POST endpoint of « Mes données ».",
    "privacy:export": "POST endpoint: downloads a ZIP.",
    "imports:template_csv": "File download.",
    "imports:template_xlsx": "File download.",
    "imports:resume": "POST endpoint of the import page.",
    "imports:errors": "File download (errors CSV).",
    "outreach:signup_export": "File download (CSV/XLSX).",
    "meetings:checkin_mark": "POST endpoint of the check-in page.",
    "meetings:register": "POST endpoint of the rencontre page.",
    "meetings:unregister": "POST endpoint of the rencontre page.",
    "meetings:publish": "POST endpoint of the rencontre page.",
    "meetings:participant_add": "POST endpoint of the participants page.",
    "meetings:participant_remove": "POST endpoint of the participants page.",
    "meetings:ics": "Calendar file download (.ics).",
    "meetings:feed": "Private calendar feed (.ics).",
    "meetings:delegation_feed": "Public calendar feed (.ics).",
    "recommendations:dismiss": "POST endpoint of « Personnes à rencontrer ».",
    "recommendations:refresh": "POST endpoint of « Personnes à rencontrer ».",
    "recommendations:weights_activate": "POST endpoint of the weights page.",
    "recommendations:batch_run": "POST endpoint of the weights page.",
    "seating:replan": "POST endpoint of the room plan page.",
    "coffee:opt_in": "POST endpoint of « Mon café entre pairs ».",
    "coffee:opt_out": "POST endpoint of « Mon café entre pairs ».",
    "coffee:outcome": "POST endpoint of « Mon café entre pairs ».",
    "coffee:share": "POST endpoint of « Mon café entre pairs ».",
    "coffee:run": "POST endpoint of the rounds page.",
    "insights:home": "Redirects to the viewer's dashboard.",
    "insights:national_export": "File download (CSV/XLSX).",
    "insights:delegation_export": "File download (CSV/XLSX).",
    "insights:own_export": "File download (CSV/XLSX).",
    "insights:waves_export": "File download (CSV/XLSX).",
    "outreach:signup_invite": "POST endpoint of the sign-ups list.",
}

# Who looks at the page: anonymous, a role of the test world, or "code_requested"
# (anonymous, after asking for a sign-in code for the member's email).
ROLE_USERS = {
    "member": "member",
    "consultant": "consultant_same",
    "lead": "lead_same",
    "national": "national",
    "admin": "admin",
}


# URL arguments: fixed, or built from the test world (which may create what the page shows).
Kwargs = dict[str, Any] | Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Checked:
    role: str
    route: str | None = None  # a named route; None for a page reached by path (404)
    kwargs: Kwargs = field(default_factory=dict)
    path: str | None = None
    status: int = 200
    label: str = ""  # tells apart two checks of one route

    def url(self, world: World) -> str:
        kwargs = self.kwargs(world) if callable(self.kwargs) else self.kwargs
        return self.path or reverse(self.route or "", kwargs=kwargs)

    @property
    def id(self) -> str:
        return f"{self.role}:{self.route or self.path}{':' + self.label if self.label else ''}"


def _member(world: World) -> dict[str, Any]:
    return {"member_id": world.member_profile.pk}


def _rencontre(kind: str) -> Callable[[World], dict[str, Any]]:
    """A published rencontre of the consultant; "registered": the member has a seat."""

    def build(world: World) -> dict[str, Any]:
        from pairs.meetings.services import registration_request
        from pairs.meetings.tests.helpers import published

        rencontre = published(world.consultant_same.consultant, visibility="public")
        if kind == "registered":
            registration_request(rencontre=rencontre, member=world.member_profile)
        return {"rencontre_id": rencontre.pk}

    return build


def _invitation(world: World) -> dict[str, Any]:
    from pairs.meetings.links import invitation_token
    from pairs.meetings.models import Invitation
    from pairs.meetings.tests.helpers import published

    rencontre = published(world.consultant_other.consultant, visibility="invitation")
    invitation = Invitation.objects.create(
        rencontre=rencontre, member=world.member_profile, invited_by=world.consultant_same.consultant
    )
    return {"token": invitation_token(invitation), "answer": "accept"}


def _seated(world: World) -> dict[str, Any]:
    from pairs.meetings.services import registration_request
    from pairs.meetings.tests.helpers import members, published
    from pairs.seating.services import SeatingOptions, seating_plan_create

    rencontre = published(world.consultant_same.consultant, format="speed_meeting")
    for member in members(8):
        registration_request(rencontre=rencontre, member=member)
    seating_plan_create(rencontre=rencontre, options=SeatingOptions(table_size=4, rounds=2), actor=None)
    return {"rencontre_id": rencontre.pk}


def _attended(world: World) -> Registration:
    """The test member was present at a rencontre that ended two hours ago, with two other attendees."""
    from pairs.feedback.tests.helpers import attend, attendee, past_rencontre

    rencontre = past_rencontre(world)
    for other in (attendee(), attendee()):
        attend(rencontre, other)
    return attend(rencontre, world.member_profile)


def _feedback_token(world: World) -> dict[str, Any]:
    from pairs.feedback.links import feedback_token

    return {"token": feedback_token(_attended(world))}


def _past_rencontre(world: World) -> dict[str, Any]:
    return {"rencontre_id": _attended(world).rencontre_id}


def _outcome_token(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from pairs.feedback.links import outcome_token
    from pairs.feedback.models import OutcomeSurvey

    registration = _attended(world)
    survey = OutcomeSurvey.objects.create(
        member=world.member_profile,
        wave=3,
        first_rencontre=registration.rencontre,
        due_at=timezone.now(),
        sent_at=timezone.now(),
    )
    return {"token": outcome_token(survey)}


def _wave(world: World) -> dict[str, Any]:
    from datetime import date

    from pairs.insights.models import ExperimentWave

    wave = ExperimentWave.objects.create(
        name="Vague 1", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
    )
    wave.delegations.set([world.home])
    return {"wave_id": wave.pk}


def _private_feed(world: World) -> str:
    from pairs.meetings.models import CalendarFeed

    return CalendarFeed.objects.create(member=world.member_profile, token="jeton-de-test").token


def _own_contact(world: World) -> dict[str, Any]:
    from pairs.contacts.services import contact_add

    contact_add(
        consultant=world.consultant_same.consultant, member=world.member_profile, added_by=None, basis="event"
    )
    return {"member_id": world.member_profile.pk}


def _import_job(stage: str) -> Callable[[World], dict[str, Any]]:
    """An import of the blank template by the consultant, taken to `stage`."""

    def build(world: World) -> dict[str, Any]:
        from pairs.imports.files import template_csv
        from pairs.imports.models import ImportStatus
        from pairs.imports.services import import_job_create, import_job_map, import_job_run

        job = import_job_create(user=world.consultant_same, file_name="contacts.csv", content=template_csv())
        if stage in ("preview", "done"):
            job = import_job_map(job=job, mapping=job.mapping)
        if stage == "done":
            job.status = ImportStatus.QUEUED
            job.save(update_fields=["status"])
            import_job_run(job_id=job.pk)
        return {"job_id": job.pk}

    return build


PAGES = [
    Checked("anonymous", "core:home"),
    Checked("anonymous", "core:data_sources"),
    Checked("anonymous", "account_login"),
    Checked("anonymous", "account_request_login_code"),
    Checked("code_requested", "account_confirm_login_code"),
    # Linked from the login page ("s'enregistrer", "mot de passe oublié").
    Checked("anonymous", "account_signup"),
    Checked("anonymous", "account_reset_password"),
    Checked("anonymous", path="/cette-page-n-existe-pas/", status=404),
    Checked("member", "core:home"),
    Checked("member", "members:my_profile"),
    Checked("consultant", "core:home"),
    Checked("consultant", "members:list"),
    Checked("consultant", "network:delegation_list"),
    Checked("consultant", "network:delegation_detail", {"delegation_code": "ile-de-france"}),
    Checked(
        "consultant", "network:delegation_detail", {"delegation_code": "auvergne-rhone-alpes"}, status=403
    ),
    Checked("lead", "core:home"),
    Checked("national", "core:home"),
    Checked("consultant", "contacts:list"),
    Checked("national", "contacts:list"),
    Checked("consultant", "contacts:member_detail", _member),
    Checked("national", "contacts:member_detail", _member),
    Checked("member", "onboarding:job_search"),
    Checked("anonymous", "onboarding:activate", {"token": "invalide"}),
    Checked("member", "onboarding:profile_situation"),
    Checked("member", "onboarding:profile_interests"),
    Checked("member", "onboarding:profile_meetings"),
    Checked("member", "privacy:home"),
    Checked("member", "privacy:erase"),
    Checked("national", "privacy:audit"),
    Checked("consultant", "imports:home"),
    Checked("consultant", "imports:mapping", _import_job("mapping")),
    Checked("consultant", "imports:preview", _import_job("preview")),
    Checked("consultant", "imports:progress", _import_job("done")),
    Checked("anonymous", "outreach:signup"),
    Checked("anonymous", "outreach:signup_sent"),
    Checked("anonymous", "outreach:signup_confirm", {"token": "invalide"}),
    Checked("anonymous", "outreach:signup_unsubscribe", {"token": "invalide"}),
    Checked("anonymous", "outreach:legal_notice"),
    Checked("anonymous", "outreach:privacy_policy"),
    Checked("anonymous", "outreach:accessibility"),
    Checked("consultant", "outreach:signup_list"),
    Checked("national", "outreach:signup_list"),
    Checked("anonymous", "meetings:list"),
    Checked("member", "meetings:list"),
    Checked("member", "meetings:my_rencontres"),
    Checked("member", "meetings:feed_manage"),
    Checked("consultant", "meetings:consultant_rencontres"),
    Checked("national", "meetings:consultant_rencontres"),
    Checked("consultant", "meetings:delegation_calendar", {"delegation_code": "ile-de-france"}),
    Checked("consultant", "meetings:create"),
    Checked("anonymous", "meetings:detail", _rencontre("public"), label="public"),
    Checked("member", "meetings:detail", _rencontre("registered"), label="registered"),
    Checked("consultant", "meetings:detail", _rencontre("public"), label="organiser"),
    Checked("consultant", "meetings:edit", _rencontre("public")),
    Checked("consultant", "meetings:cancel", _rencontre("public")),
    Checked("consultant", "meetings:invite", _rencontre("public")),
    Checked("consultant", "meetings:participants", _rencontre("registered")),
    Checked("consultant", "meetings:checkin", _rencontre("registered")),
    Checked("consultant", "meetings:walk_in", _rencontre("registered")),
    Checked("consultant", "meetings:attendance_sheet", _rencontre("registered")),
    Checked("anonymous", "meetings:invitation_answer", _invitation, label="valid"),
    Checked(
        "anonymous",
        "meetings:invitation_answer",
        {"token": "invalide", "answer": "accept"},
        status=400,
        label="invalid",
    ),
    Checked("member", "recommendations:people"),
    Checked("national", "recommendations:weights"),
    Checked("consultant", "seating:plan", _seated),
    Checked("consultant", "seating:cards", _seated),
    Checked("consultant", "seating:screen", _seated),
    Checked("anonymous", "feedback:answer", _feedback_token),
    Checked("anonymous", "feedback:answer_contacts", _feedback_token),
    Checked("anonymous", "feedback:outcome", _outcome_token),
    Checked("member", "feedback:my_feedback", _past_rencontre),
    Checked("member", "feedback:contacts", _past_rencontre),
    Checked("member", "feedback:network"),
    Checked("consultant", "feedback:results", _past_rencontre),
    Checked("national", "feedback:learning"),
    Checked("consultant", "contacts:contact_remove", _own_contact),
    Checked("national", "insights:national"),
    Checked("lead", "insights:delegation", {"delegation_code": "ile-de-france"}),
    Checked("consultant", "insights:own"),
    Checked("national", "insights:waves"),
    Checked("national", "insights:wave_create"),
    Checked("national", "insights:wave_edit", _wave),
    Checked("member", "coffee:home"),
    Checked("anonymous", "coffee:answer", {"token": "invalide", "answer": "met"}, status=400),
    Checked("national", "coffee:staff"),
    Checked("consultant", "coffee:rounds", {"delegation_code": "ile-de-france"}),
    Checked("national", "coffee:rounds", {"delegation_code": "national"}, label="national"),
]


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def _request_sign_in_code(page: Page, email: str) -> None:
    page.goto(reverse("account_request_login_code"))
    page.locator("main input[name=email]").fill(email)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_confirm_login_code")) + "$"))


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target} — {summary}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("checked", PAGES, ids=lambda checked: checked.id)
def test_page_has_no_serious_accessibility_violation(
    checked: Checked, page: Page, browser_world: World, login_as: LoginAs, axe: Axe
) -> None:
    if checked.role == "code_requested":
        _request_sign_in_code(page, browser_world.member.email)
    elif checked.role != "anonymous":
        login_as(getattr(browser_world, ROLE_USERS[checked.role]))

    url = checked.url(browser_world)
    response = page.goto(url)
    assert response is not None
    assert response.status == checked.status, f"{url}: HTTP {response.status}"
    # Checking the login page instead of the page meant would prove nothing.
    assert page.url.endswith(url), f"{url} redirected to {page.url}"
    expect(page.locator("h1")).to_have_count(1)

    results = axe.run(page)
    violations = results.response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core: {len(blocking)} violation(s) serious/critical on {url} ({checked.role}):\n"
        + _report(blocking)
        + (
            "\nOthers (not blocking):\n" + _report([v for v in violations if v not in blocking])
            if violations
            else ""
        )
    )


def _page_routes() -> set[str]:
    """Named routes that render a page of ours, the login pages included."""
    third_party_modules = tuple(THIRD_PARTY_RULES)
    names = set()
    for route in iter_routes():
        if route.name is None or set(route.namespaces) & set(NAMESPACE_RULES):
            continue
        module = route.callback.__module__ or ""
        if module.startswith(third_party_modules) and route.name not in LOGIN_ROUTES:
            continue
        names.add(route.name)
    return names


def test_every_page_of_ours_is_checked() -> None:
    routes = _page_routes()
    checked = {page.route for page in PAGES if page.route}
    missing = sorted(routes - checked - set(NOT_PAGES))
    assert not missing, (
        f"Pages not checked by axe: {missing}. Add a line to PAGES in tests/browser/test_accessibility.py "
        "(role that sees the page, route name, URL arguments)."
    )
    stale = sorted(set(NOT_PAGES) - routes)
    assert not stale, f"NOT_PAGES names routes that no longer exist: {stale}"
    missing_login = sorted(LOGIN_ROUTES - routes)
    assert not missing_login, f"Login routes have moved: {missing_login}"


def test_routes_left_out_are_not_html_pages(world: World) -> None:
    from tests.test_access_rules import sample_kwargs

    kwargs = sample_kwargs(world)
    # Real objects where a file is served, so that a 404 page cannot pass for a file.
    kwargs["imports:errors"] = _import_job("done")(world)
    kwargs["meetings:ics"] = _rencontre("registered")(world)
    kwargs["meetings:feed"] = {"token": _private_feed(world)}
    member_routes = {
        "privacy:consent",
        "privacy:export",
        "onboarding:start",
        "meetings:register",
        "meetings:unregister",
        "recommendations:dismiss",
        "recommendations:refresh",
        "coffee:opt_in",
        "coffee:opt_out",
        "coffee:outcome",
        "coffee:share",
    }
    national_routes = {
        "recommendations:weights_activate",
        "recommendations:batch_run",
        "insights:national_export",
        "insights:waves_export",
    }
    for name in NOT_PAGES:
        client = Client()
        viewer = world.consultant_same
        if name in member_routes:
            viewer = world.member
        elif name in national_routes:
            viewer = world.national
        client.force_login(viewer)
        response = client.get(reverse(name, kwargs=kwargs.get(name, {})))
        is_page = response.status_code == 200 and "text/html" in response["Content-Type"]
        assert not is_page, f"{name} renders an HTML page: add it to PAGES."
        assert response.status_code in (200, 302, 405), f"{name}: HTTP {response.status_code}"
