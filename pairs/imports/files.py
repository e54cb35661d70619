"""Files given to the consultant: the blank templates and the report of rejected rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from pairs.core.spreadsheets import cell_neutralise

from .validation import FIELDS, RowResult

EXAMPLE_ROW = {
    "prenom": "Camille",
    "nom": "Martin",
    "email": "camille.martin@exemple.fr",
    "departement": "75",
    "situation": "Cadre en recherche d'emploi",
    "etape": "Transition",
    "metier": "M1403",
    "secteur": "62",
    "telephone": "06 12 34 56 78",
    "linkedin": "https://www.linkedin.com/in/camille-martin",
    "consentement_recommandations": "non",
    "consentement_statistiques": "oui",
    "consentement_emails": "oui",
}


def template_csv() -> bytes:
    """The blank template, with one example row; UTF-8 with BOM and ";" so that Excel opens it right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f.key for f in FIELDS])
    writer.writerow([EXAMPLE_ROW[f.key] for f in FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Contacts"
    sheet.append([f.key for f in FIELDS])
    sheet.append([EXAMPLE_ROW[f.key] for f in FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # Text format for the codes, so that "01" or "2A" are not turned into numbers.
    for column in ("D", "H", "I"):
        for cell in sheet[column]:
            cell.number_format = "@"
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["colonne", "contenu", "obligatoire"])
    for f in FIELDS:
        help_sheet.append([f.key, f"{f.label} — {f.help}", "oui" if f.required else "non"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_rows_csv(*, headers: list[str], rows: Iterable[RowResult], with_header: bool) -> str:
    """The rejected rows as ";"-separated CSV text: the original columns, then ligne and raison."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if with_header:
        writer.writerow([cell_neutralise(h) for h in headers] + ["ligne", "raison"])
    for row in sorted(rows, key=lambda r: r.line):
        writer.writerow(
            [cell_neutralise(c) for c in row.cells] + [str(row.line), cell_neutralise(" ; ".join(row.errors))]
        )
    return out.getvalue()
