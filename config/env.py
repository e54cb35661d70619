"""Read settings from environment variables, failing with one clear sentence.

Every reader names the variable it failed on, so a misconfigured deployment
stops at start-up with a message an operator can act on.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DB_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(
                f"La variable d'environnement {name} est obligatoire mais n'est pas définie."
            )
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"La variable d'environnement {name} doit valoir true/false (ou 1/0, yes/no), pas {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} doit être un nombre entier, pas {raw!r}."
        ) from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if default is None:
            raise ImproperlyConfigured(
                f"La variable d'environnement {name} est obligatoire : donnez une liste séparée par des virgules."
            )
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str = "DATABASE_URL", default: str | None = None) -> dict[str, Any]:
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _DB_SCHEMES:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} doit être une URL sqlite:/// ou postgres://, "
            f"pas {url.split('@')[-1]!r}."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"La variable d'environnement {name} n'est pas une URL de base de données valide : {error}."
        ) from None
    if scheme == "sqlite":
        config["CONN_MAX_AGE"] = 0
        # WAL + a busy timeout let a web process and a task worker share the file.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        # Page queries are short: PostgreSQL's JIT compiler, triggered by high cost
        # estimates of a few filter combinations, spent 25–480 ms compiling queries
        # that then ran in a few ms (measured on the member search).
        options = config.setdefault("OPTIONS", {})
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return config
