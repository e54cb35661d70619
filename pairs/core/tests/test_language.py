"""French first: an English browser still gets French until the visitor switches."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_an_english_browser_gets_french_by_default() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_chooses_english_and_back() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_french() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="fr">' in client.get("/").content.decode()
