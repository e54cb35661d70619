"""Emails leave through a background task, and a db_worker sends them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pairs.core.emails import email_enqueue
from pairs.core.models import OutgoingEmail
from tests.fixtures import World


def test_a_login_code_is_emailed_and_logs_the_member_in(world: World) -> None:
    client = Client()
    response = client.post(reverse("account_request_login_code"), {"email": world.member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.member.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)
    assert code is not None, mail.outbox[0].body
    client.post(reverse("account_confirm_login_code"), {"code": code.group(1)})
    assert client.get(reverse("core:home")).context["user"] == world.member


# The worker closes its database connections between tasks, as a real one
# must: that needs committed data rather than a test wrapped in a transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_queued_email_waits_for_a_worker_then_is_sent() -> None:
    stored = email_enqueue(message=EmailMultiAlternatives("Bienvenue", "Bonjour", to=["ines@exemple.fr"]))
    assert stored is not None
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    assert [m.subject for m in mail.outbox] == ["Bienvenue"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    stored.refresh_from_db()
    assert stored.status == OutgoingEmail.Status.SENT
