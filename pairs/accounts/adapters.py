"""allauth adapter: our email normalisation, and emails sent by a worker."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from pairs.core.emails import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Emails are stored lower-case so that one person is one account.
        return super().clean_email(email).strip().lower()

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        email_enqueue(message=self.render_mail(template_prefix, email, full_context))
