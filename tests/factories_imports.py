"""Reference rows and files for the imports tests."""

from __future__ import annotations

import csv
import io
import zipfile

from pairs.reference.models import NafDivision, NafSection, RomeAppellation, RomeMetier
from pairs_engine.text import fold
from tests.factories import RomeDomaineFactory

HEADERS = [
    "prenom",
    "nom",
    "email",
    "departement",
    "situation",
    "etape",
    "metier",
    "secteur",
    "telephone",
    "linkedin",
    "consentement_recommandations",
    "consentement_statistiques",
    "consentement_emails",
]

APPELLATIONS = [
    ("10001", "Chargé / Chargée d'études marketing", "M1403"),
    ("10002", "Chargé / Chargée d'études économiques", "M1403"),
    ("10003", "Chargé / Chargée d'études statistiques", "M1403"),
    ("10004", "Chef de projet informatique", "M1805"),
    ("10005", "Ingénieur / Ingénieure d'études informatique", "M1805"),
]


def import_references_create() -> None:
    """Two ROME jobs with a few titles, two NAF divisions (départements come from `world`)."""
    domaine = RomeDomaineFactory()
    RomeMetier.objects.get_or_create(
        code="M1403", defaults={"label": "Études et prospectives socio-économiques", "domaine": domaine}
    )
    RomeMetier.objects.get_or_create(
        code="M1805", defaults={"label": "Études et développement informatique", "domaine": domaine}
    )
    for code_ogr, label, metier in APPELLATIONS:
        RomeAppellation.objects.get_or_create(
            code_ogr=code_ogr, defaults={"label": label, "metier_id": metier, "search_text": fold(label)}
        )
    section, _ = NafSection.objects.get_or_create(
        code="J", defaults={"label": "Information et communication"}
    )
    for code, label in (
        ("62", "Programmation, conseil et autres activités informatiques"),
        ("70", "Conseil"),
    ):
        NafDivision.objects.get_or_create(code=code, defaults={"label": label, "section": section})


def good_row(n: int) -> list[str]:
    return [
        f"Prénom{n}",
        f"Nom{n}",
        f"personne.{n}@exemple.fr",
        "75" if n % 2 else "69",
        "Cadre en recherche d'emploi" if n % 3 else "employed",
        "transition" if n % 2 else "Préparation",
        "Chef de projet informatique" if n % 5 else "M1403",
        "62" if n % 2 else "70",
        "06 12 34 56 78" if n % 4 else "",
        "https://www.linkedin.com/in/p" + str(n) if n % 7 == 0 else "",
        "oui",
        "oui" if n % 2 else "non",
        "oui",
    ]


def csv_bytes(
    rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8", headers=HEADERS
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, merge: str = "", cached: dict[str, str] | None = None) -> bytes:
    """A workbook; `cached` gives formula cells ("B2") the value a spreadsheet would have saved."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    if not cached:
        return out.getvalue()
    # openpyxl writes formulas without a cached value: add one, as Excel would.
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                    text = text[:start] + f'<c r="{ref}" t="str">{formula}<v>{value}</v>' + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return patched.getvalue()
