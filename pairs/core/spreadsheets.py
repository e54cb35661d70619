"""Text written to files that people open in a spreadsheet (CSV exports, error files)."""

from __future__ import annotations

# Characters a spreadsheet reads as the start of a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(text: str) -> str:
    """A leading quote makes the spreadsheet show a would-be formula as text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
