"""Text normalisation shared by search and matching: accent- and case-insensitive."""

from __future__ import annotations

import re
import unicodedata

# Ligatures that NFKD leaves whole: "œ" in "cœur", "æ" in "ex æquo".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Chargé·e d'Études" → "charge e d etudes"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", ascii_only.lower()).strip()
