"""« Restons en contact » : double opt-in, duplicates that leak nothing, bad input, honeypot, throttle."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pairs.outreach.models import Signup, SubmissionThrottle
from pairs.outreach.services import THROTTLE_LIMITS, outreach_purge_run
from pairs.outreach.texts import SIGNUP_CONSENT_TEXT
from tests.fixtures import World
from tests.smtp import SmtpServer

CONFIRM_LINK = re.compile(r"https?://[^\s\"<]+/restons-en-contact/confirmer/[^\s\"<]+/")
UNSUBSCRIBE_LINK = re.compile(r"https?://[^\s\"<>]+/restons-en-contact/desinscription/[^\s\"<>]+/")


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Claire",
        "last_name": "Dupont",
        "email": "claire.dupont@exemple.fr",
        "profile": "cadre_seeking",
        "departement": "75",
        "wishes": ["news", "invitation"],
        "message": "Bonjour !",
        "consent": "on",
        "site_web": "",
    }
    data.update(changes)
    return data


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _post(client: Client, **changes: object) -> object:
    return client.post(reverse("outreach:signup"), _form(**changes))


@pytest.fixture
def client() -> Client:
    return Client()


def test_signup_is_stored_unconfirmed_and_confirmed_once_over_real_smtp(
    world: World, smtp_server: SmtpServer, client: Client
) -> None:
    # The consent text shown is the one stored.
    assert SIGNUP_CONSENT_TEXT in _text(client.get(reverse("outreach:signup")))
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:signup_sent")
    signup = Signup.objects.get(email="claire.dupont@exemple.fr")
    assert signup.confirmed_at is None
    assert signup.consent_text == SIGNUP_CONSENT_TEXT
    assert signup.consent_at is not None
    assert (signup.wants_news, signup.wants_invitation, signup.wants_to_contribute) == (True, True, False)

    received = smtp_server.to("claire.dupont@exemple.fr")
    assert len(received) == 1
    message = received[0]
    assert "Confirmez votre adresse email" in str(message["Subject"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = CONFIRM_LINK.findall(text)[0]
    assert link in html
    # Unsubscribe link in both parts and in the headers.
    assert UNSUBSCRIBE_LINK.search(text)
    assert UNSUBSCRIBE_LINK.search(html)
    assert "desinscription" in str(message["List-Unsubscribe"])

    visitor = Client()
    page = visitor.get(_path(link))
    assert page.status_code == 200
    assert "Je confirme mon adresse" in page.content.decode()
    signup.refresh_from_db()
    assert signup.confirmed_at is None  # opening the link (mail scanners) confirms nothing

    done = visitor.post(_path(link))
    assert "votre adresse est confirmée" in done.content.decode()
    signup.refresh_from_db()
    confirmed_at = signup.confirmed_at
    assert confirmed_at is not None

    again = visitor.post(_path(link))
    assert again.status_code == 200
    assert "Votre adresse était déjà confirmée : rien n'a changé." in again.content.decode()
    signup.refresh_from_db()
    assert signup.confirmed_at == confirmed_at


def test_expired_confirmation_link_says_so(world: World, client: Client) -> None:
    _post(client)
    link = CONFIRM_LINK.findall(mail.outbox[-1].body)[0]
    later = timezone.now() + timedelta(days=8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        page = client.post(_path(link))
    assert "Ce lien de confirmation a expiré" in page.content.decode()
    assert Signup.objects.get().confirmed_at is None


def test_tampered_link_is_invalid(world: World, client: Client) -> None:
    page = client.get(reverse("outreach:signup_confirm", kwargs={"token": "1:abc:def"}))
    assert "Ce lien de confirmation n'est pas valide" in _text(page)


def test_sign_up_again_leaks_nothing_and_resends_at_most_once_per_interval(
    world: World, client: Client
) -> None:
    first = _post(client)
    assert len(mail.outbox) == 1
    # Unconfirmed: same page, answers replaced, no second email within the interval.
    second = _post(client, first_name="Clara", wishes=["contribute"])
    assert second["Location"] == first["Location"]
    assert len(mail.outbox) == 1
    signup = Signup.objects.get()
    assert signup.first_name == "Clara"
    assert signup.wants_to_contribute
    assert not signup.wants_news
    # After the interval, the link is sent again (the earlier one still works).
    Signup.objects.update(last_email_at=timezone.now() - timedelta(hours=2))
    _post(client)
    assert len(mail.outbox) == 2
    assert "Confirmez votre adresse" in mail.outbox[-1].subject
    assert Signup.objects.count() == 1

    # Confirmed: same page again, nothing changed, a short notice (once per interval).
    client.post(_path(CONFIRM_LINK.findall(mail.outbox[0].body)[0]))
    Signup.objects.update(last_email_at=timezone.now() - timedelta(hours=2))
    third = _post(client, first_name="Intrus", email="  CLAIRE.Dupont@exemple.fr ")
    assert third["Location"] == first["Location"]
    assert len(mail.outbox) == 3
    assert "déjà inscrit" in mail.outbox[-1].subject
    assert Signup.objects.get().first_name == "Claire"
    _post(client)
    assert len(mail.outbox) == 3


def test_invalid_email_and_overlong_fields_get_french_errors_and_keep_what_was_typed(
    world: World, client: Client
) -> None:
    long_message = "x" * 2500
    long_name = "N" * 150
    response = _post(client, email="pas-une-adresse", message=long_message, last_name=long_name)
    assert response.status_code == 200
    page = _text(response)
    assert "Adresse email invalide" in page
    assert "Ce champ accepte 2000 caractères au plus (vous en avez saisi 2500)." in page
    assert "Ce champ accepte 100 caractères au plus (vous en avez saisi 150)." in page
    # Nothing typed is lost: the whole text comes back, and the browser is not told to cut it.
    assert long_message in page
    assert long_name in page
    assert "pas-une-adresse" in page
    assert "maxlength=" not in page
    # Errors are tied to their fields.
    assert 'aria-describedby="id_email_errors' in page
    assert 'id="id_email_errors"' in page
    assert 'aria-invalid="true"' in page
    assert Signup.objects.count() == 0
    assert mail.outbox == []


def test_missing_consent_and_wishes_are_refused(world: World, client: Client) -> None:
    response = _post(client, consent="", wishes=[])
    page = _text(response)
    assert "Cochez au moins un souhait." in page
    assert "Cochez cette case pour que nous puissions garder vos informations." in page
    assert Signup.objects.count() == 0


def test_html_in_fields_is_escaped_in_pages_and_emails(world: World, client: Client) -> None:
    script = "<script>alert(1)</script>"
    _post(client, first_name=script, message=f"<b>gras</b>{script}")
    html_part = mail.outbox[-1].alternatives[0][0]
    assert script not in html_part
    assert "&lt;script&gt;" in html_part
    # Plain text is not HTML: it shows what was typed, as text.
    assert f"Bonjour {script}," in mail.outbox[-1].body

    page = Client().get(_path(CONFIRM_LINK.findall(mail.outbox[-1].body)[0]))
    assert script not in page.content.decode()


def test_honeypot_drops_bots_silently(world: World, client: Client) -> None:
    response = _post(client, site_web="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:signup_sent")
    assert Signup.objects.count() == 0
    assert mail.outbox == []
    page = client.get(reverse("outreach:signup"))
    # Hidden from people and assistive technologies, out of the tab order.
    assert 'aria-hidden="true"' in page.content.decode()
    assert 'tabindex="-1"' in page.content.decode()


def test_rapid_sign_ups_from_one_address_are_throttled(world: World, client: Client) -> None:
    statuses = [
        _post(client, email=f"personne{n}@exemple.fr").status_code  # type: ignore[attr-defined]
        for n in range(20)
    ]
    limit = THROTTLE_LIMITS["signup"]
    assert statuses[:limit] == [302] * limit
    assert set(statuses[limit:]) == {429}
    throttled = _post(client, email="encore@exemple.fr")
    assert throttled.status_code == 429  # type: ignore[attr-defined]
    assert "Trop d'envois depuis votre connexion" in _text(throttled)
    assert throttled["Retry-After"] == "600"  # type: ignore[index]
    assert Signup.objects.count() == limit
    # Only a hash of the address is stored.
    assert not SubmissionThrottle.objects.filter(ip_hash__contains="127.0.0.1").exists()
    # Another address is not held back.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _post(other, email="autre@exemple.fr").status_code == 302  # type: ignore[attr-defined]


def test_unsubscribe_link_works_without_login_and_stops_everything(world: World, client: Client) -> None:
    _post(client)
    link = UNSUBSCRIBE_LINK.findall(mail.outbox[-1].body)[0]
    page = Client().get(_path(link))
    assert page.status_code == 200
    assert Signup.objects.get().unsubscribed_at is None
    # One-click unsubscribe from a mail client: a bare POST, no CSRF token, no session.
    done = Client(enforce_csrf_checks=True).post(_path(link))
    assert done.status_code == 200
    assert "Vous êtes désinscrit·e" in _text(done)
    signup = Signup.objects.get()
    assert signup.unsubscribed_at is not None
    assert (signup.first_name, signup.last_name, signup.email, signup.message) == ("", "", "", "")
    # Second use: clear message, nothing changed. The confirmation link no longer works.
    again = Client().post(_path(link))
    assert "Vous étiez déjà désinscrit·e : rien n'a changé." in _text(again)
    confirm = Client().post(_path(CONFIRM_LINK.findall(mail.outbox[0].body)[0]))
    assert "n'est pas valide" in _text(confirm)
    assert Signup.objects.get().confirmed_at is None
    # Signing up again later is a fresh request, with a fresh double opt-in.
    Signup.objects.update(last_email_at=timezone.now() - timedelta(hours=2))
    _post(client)
    assert Signup.objects.exclude(email="").count() == 1
    assert len(mail.outbox) == 2


def test_purge_removes_unconfirmed_after_seven_days(world: World, client: Client) -> None:
    _post(client)
    _post(client, email="confirme@exemple.fr")
    client.post(_path(CONFIRM_LINK.findall(mail.outbox[-1].body)[0]))
    assert outreach_purge_run(now=timezone.now() + timedelta(days=6)).unconfirmed == 0
    result = outreach_purge_run(now=timezone.now() + timedelta(days=8))
    assert result.unconfirmed == 1
    assert list(Signup.objects.values_list("email", flat=True)) == ["confirme@exemple.fr"]
    assert SubmissionThrottle.objects.count() == 0
    assert outreach_purge_run(now=timezone.now() + timedelta(days=3 * 365 + 1)).expired == 1
    assert Signup.objects.count() == 0
