"""Landing page, legal pages, the accessibility statement and its report form."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pairs.core.access import PUBLIC, iter_routes
from pairs.outreach.models import AccessibilityReport
from pairs.privacy.texts import CONSENT_TEXTS
from tests.fixtures import World
from tests.smtp import SmtpServer


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_landing_page_explains_the_three_unities_and_links_the_form(world: World) -> None:
    page = _text(Client().get(reverse("core:home")))
    for words in (
        "Préparation",
        "Transition",
        "Intégration",
        "Cadre en poste",
        "Jeune diplômé·e",
        "Recruteur·rice",
        "centres Apec",
        "salons",
        "ateliers",
        "En ligne",
        "Comment se passe une rencontre",
        "Les prochaines rencontres ouvertes",
    ):
        assert words in page, words
    assert reverse("outreach:signup") in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("outreach:legal_notice", ["Apec", "[à compléter", "EUPL-1.2"]),
        ("outreach:privacy_policy", ["24 mois", "30 jours", "7 jours", "CNIL", "empreinte chiffrée"]),
        (
            "outreach:accessibility",
            ["non conforme", "RGAA 4.1", "axe-core", "Défenseur des droits", "Signaler un problème"],
        ),
        ("outreach:signup", ["Laissez-nous vos coordonnées", "Consultant·e Apec", "Partenaire"]),
        ("outreach:signup_sent", ["7 jours"]),
    ],
)
def test_public_pages_open_for_anonymous_visitors(world: World, name: str, words: list[str]) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    page = _text(response)
    for word in words:
        assert word in page, word
    assert page.count("<h1") == 1


def test_privacy_policy_quotes_the_consent_texts_in_force(world: World) -> None:
    page = _text(Client().get(reverse("outreach:privacy_policy")))
    for shown in CONSENT_TEXTS.values():
        assert shown.text in page


def test_every_outreach_url_declares_its_rule() -> None:
    routes = [route for route in iter_routes() if (route.name or "").startswith("outreach:")]
    assert len(routes) == 10
    staff_only = {"outreach:signup_list", "outreach:signup_export", "outreach:signup_invite"}
    for route in routes:
        assert route.rule is not None, route.name
        assert (route.rule is PUBLIC) is (route.name not in staff_only), route.name


def test_accessibility_report_is_stored_and_emailed_to_the_team(
    world: World, smtp_server: SmtpServer
) -> None:
    response = Client().post(
        reverse("outreach:accessibility"),
        {
            "description": "Le bouton <script>x</script> ne se lit pas au lecteur d'écran.",
            "page_url": "/restons-en-contact/",
            "name": "Alex",
            "email": "alex@exemple.fr",
        },
    )
    assert response.status_code == 302
    report = AccessibilityReport.objects.get()
    assert report.email == "alex@exemple.fr"
    received = smtp_server.to(world.national.email)
    assert len(received) == 1
    assert str(received[0]["Reply-To"]) == "alex@exemple.fr"
    html_part = received[0].get_body(preferencelist=("html",)).get_content()
    assert "&lt;script&gt;" in html_part
    assert "<script>" not in html_part
    followed = Client().get(response["Location"])
    assert followed.status_code == 200


def test_accessibility_report_errors_and_honeypot(world: World) -> None:
    response = Client().post(reverse("outreach:accessibility"), {"description": "", "email": "pas-valide"})
    page = _text(response)
    assert response.status_code == 200
    assert "Décrivez le problème rencontré." in page
    assert "Adresse email invalide" in page
    bot = Client().post(reverse("outreach:accessibility"), {"description": "spam", "site_web": "x"})
    assert bot.status_code == 302
    assert AccessibilityReport.objects.count() == 0
    assert mail.outbox == []


def test_outreach_urls_enforce_their_rule_for_every_viewer(world: World) -> None:
    """The project-wide sweep of tests/test_access_rules.py, for this app's URLs (GET)."""
    from tests.test_access_rules import EXPECTED, _is_login_redirect

    kwargs = {
        "outreach:signup_confirm": {"token": "invalide"},
        "outreach:signup_unsubscribe": {"token": "invalide"},
        "outreach:signup_invite": {"signup_id": 1},
    }
    for route in iter_routes():
        if not (route.name or "").startswith("outreach:"):
            continue
        url = reverse(route.name or "", kwargs=kwargs.get(route.name or "", {}))
        rule = route.rule
        assert rule is not None
        for viewer, user in world.users_by_role().items():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            if EXPECTED[rule.name][viewer]:
                assert response.status_code not in (401, 403), (url, viewer)
                assert not _is_login_redirect(response), (url, viewer)
            elif user is None:
                assert _is_login_redirect(response), (url, viewer)
            else:
                assert response.status_code == 403, (url, viewer)


def test_admin_pages_open(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    for model in ("signup", "accessibilityreport", "submissionthrottle"):
        assert client.get(reverse(f"admin:outreach_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:outreach_{model}_add")).status_code == 403
