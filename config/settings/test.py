"""Test settings: fast hashing, in-memory email, tasks run immediately."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests use a file, not an in-memory database: the concurrency tests run
# real threads with their own connections, which an in-memory database would
# share. One file per test process, so parallel runs never meet.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os

    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 (a fresh clone has no var/ yet)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{_os.getpid()}.sqlite3")}  # noqa: F405
