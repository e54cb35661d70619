"""allauth adapter: French-first emails and our email normalisation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Emails are stored lower-case so that one person is one account.
        return super().clean_email(email).strip().lower()
