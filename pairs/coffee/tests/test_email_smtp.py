"""The introduction email over real SMTP: French, HTML and text, the partner's first name and the answer links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pairs.coffee.services import coffee_round_run
from tests.factories import DelegationFactory

from .helpers import people


@pytest.mark.django_db(transaction=True)
def test_both_receive_the_introduction_over_smtp(smtp_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://pairs.example"
    delegation = DelegationFactory(code="bretagne")
    a, b = people(delegation, 2, now=datetime(2026, 3, 2, tzinfo=UTC))
    coffee_round_run(delegation=delegation, now=datetime(2026, 3, 2, tzinfo=UTC))
    [to_a] = smtp_server.to(a.email)
    [to_b] = smtp_server.to(b.email)
    assert b.first_name in str(to_a["Subject"])
    assert a.first_name in str(to_b["Subject"])
    html = to_a.get_body(("html",)).get_content()
    text = to_a.get_body(("plain",)).get_content()
    for body in (html, text):
        assert "Nous nous sommes rencontré·es" in body
        assert "https://pairs.example/cafe-entre-pairs/reponse/" in body
        assert "En visio" in body
    assert b.last_name not in text
