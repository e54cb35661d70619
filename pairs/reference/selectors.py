"""Reads on the reference data (ROME job titles)."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from pairs_engine.text import fold

from .models import RomeAppellation, RomeMetier

# A ROME 4.0 job code: one letter and four digits ("M1402").
ROME_CODE = re.compile(r"^[a-z]\d{4}$")


def appellation_search(*, query: str, limit: int = 10, cadre_only: bool = False) -> QuerySet[RomeAppellation]:
    """Job titles matching every word of the query at the start of a word, accent- and case-insensitive.

    A token shaped like a ROME code ("M1402") matches the titles of that job. Principal titles
    come first, then shorter labels (a short title is usually the generic one people look for).
    Each result carries its job (``metier``): title, ROME code and job label in one query.
    """
    tokens = fold(query).split()
    if not tokens:
        return RomeAppellation.objects.none()
    titles = RomeAppellation.objects.select_related("metier")
    for token in tokens:
        # search_text is folded words separated by single spaces: a word starts at the
        # beginning of the text or right after a space.
        condition = Q(search_text__startswith=token) | Q(search_text__contains=" " + token)
        if ROME_CODE.match(token):
            condition |= Q(metier_id=token.upper())
        titles = titles.filter(condition)
    if cadre_only:
        # The title's own flag wins; where the ROME leaves it empty, the job's flag decides.
        titles = titles.filter(Q(emploi_cadre=True) | Q(emploi_cadre__isnull=True, metier__emploi_cadre=True))
    return titles.order_by("-is_principal", Length("label"), "label", "code_ogr")[:limit]


# "Chargé d'affaires (M1707)": how the combobox writes a chosen title, and what people may type.
_TRAILING_CODE = re.compile(r"\(\s*([A-Za-z]\d{4})\s*\)\s*$")


def metier_resolve(*, text: str) -> tuple[RomeMetier | None, list[RomeAppellation]]:
    """The ROME job meant by what someone typed, or None and up to five titles to choose from.

    Accepted: a ROME code ("M1402"), a title followed by its code ("Chargé d'affaires (M1707)"),
    a title spelled exactly, or words that match a single title. Anything else is ambiguous or
    unknown; the suggestions let the form say which titles were meant.
    """
    text = (text or "").strip()
    if not text:
        return None, []
    trailing = _TRAILING_CODE.search(text)
    code = trailing.group(1) if trailing else (text if ROME_CODE.match(text.lower()) else "")
    if code:
        return RomeMetier.objects.filter(pk=code.upper()).first(), []
    exact = (
        RomeAppellation.objects.select_related("metier")
        .filter(search_text=fold(text))
        .order_by("-is_principal", "code_ogr")
        .first()
    )
    if exact is not None:
        return exact.metier, []
    candidates = list(appellation_search(query=text, limit=5))
    if len(candidates) == 1:
        return candidates[0].metier, []
    return None, candidates
