"""Absolute links for what leaves the site (emails, calendar files)."""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """The public address of the site, without a trailing slash ("" in development)."""
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")
