"""French is the source language; the English translation must be complete and current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_IGNORES = [
    "--ignore",
    ".venv/*",
    "--ignore",
    ".tools/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "var/*",
]


def _msgids(po: polib.POFile) -> set[str]:
    return {entry.msgid for entry in po if not entry.obsolete}


def test_every_english_string_is_translated() -> None:
    po = polib.pofile(str(ENGLISH_PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"Chaînes sans traduction anglaise : {untranslated}"
    assert fuzzy == [], f"Traductions à revoir (fuzzy) : {fuzzy}"


def test_english_catalogue_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    for name in ("config", "pairs", "pairs_engine", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", *MAKEMESSAGES_IGNORES],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    regenerated = _msgids(polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")))
    committed = _msgids(polib.pofile(str(ENGLISH_PO)))
    assert regenerated - committed == set(), (
        "Lancez `manage.py makemessages -l en` et traduisez les nouvelles chaînes."
    )
    assert committed - regenerated == set(), (
        "Des chaînes du catalogue ne sont plus utilisées : relancez makemessages."
    )
