"""Configuration comes from the environment and fails with one clear sentence."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A deployment's environment: nothing from the test process (the browser
    # tests set DJANGO_ALLOW_ASYNC_UNSAFE, which --deploy rightly refuses).
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_missing_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY est obligatoire"):
        env_str("SECRET_KEY")


@pytest.mark.parametrize(
    ("reader", "name", "value", "message"),
    [
        (lambda: env_bool("DEBUG", False), "DEBUG", "peut-être", "DEBUG doit valoir true/false"),
        (
            lambda: env_int("EMAIL_PORT", 25),
            "EMAIL_PORT",
            "vingt-cinq",
            "EMAIL_PORT doit être un nombre entier",
        ),
        (
            lambda: env_database("DATABASE_URL"),
            "DATABASE_URL",
            "mysql://u:secret@h/db",
            "sqlite:/// ou postgres://",
        ),
    ],
)
def test_malformed_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, reader: object, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        reader()  # type: ignore[operator]
    assert "secret" not in str(error.value), "a database password must never be echoed"


def test_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "yes")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example.org, b.example.org")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5433/rencontres")
    assert env_bool("DEBUG", False) is True
    assert env_list("ALLOWED_HOSTS") == ["a.example.org", "b.example.org"]
    database = env_database("DATABASE_URL")
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "rencontres")
    assert database["OPTIONS"]["options"] == "-c jit=off"


def test_production_start_stops_on_missing_secret_with_one_sentence() -> None:
    result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Erreur de configuration : La variable d'environnement SECRET_KEY est obligatoire mais n'est pas définie."
    )


def test_production_deploy_check_reports_no_issue(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="rencontres.example.org",
        SITE_URL="https://rencontres.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
