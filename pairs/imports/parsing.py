"""Reading contact files (CSV or XLSX) into a header and numbered rows.

Pure functions on bytes: no database. Line numbers are those the consultant
sees in a spreadsheet (the header is line 1), so the error report can point
to them; empty rows are skipped but keep their numbers counted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024

XLSX_SIGNATURE = b"PK\x03\x04"
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class ImportFileError(Exception):
    """The file cannot be read; the message (French) says why."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (line number in the file, cell values as stripped strings)
    rows: list[tuple[int, list[str]]]


def file_format_guess(*, name: str, content: bytes) -> str:
    """ "xlsx" or "csv", from the content first (a renamed file still works), then the name."""
    if content.startswith(XLSX_SIGNATURE) or name.lower().endswith(".xlsx"):
        return "xlsx"
    return "csv"


def table_read(*, content: bytes, file_format: str, max_rows: int = MAX_ROWS) -> Table:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("Le fichier dépasse 20 Mo : découpez-le en plusieurs fichiers."))
    rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    return _table_from(rows, max_rows=max_rows)


def _table_from(raw_rows: list[tuple[int, list[str]]], *, max_rows: int) -> Table:
    non_empty = [(line, cells) for line, cells in raw_rows if any(cells)]
    if not non_empty:
        raise ImportFileError(_("Le fichier est vide : aucune ligne d'en-tête ni de données."))
    header_line, headers = non_empty[0]
    data = non_empty[1:]
    if not data:
        raise ImportFileError(
            _(
                "Le fichier ne contient aucune ligne de données : seule la ligne d'en-tête "
                "(ligne %(line)d) a été trouvée."
            )
            % {"line": header_line}
        )
    if len(data) > max_rows:
        raise ImportFileError(
            _("Le fichier contient %(count)d lignes de données ; la limite est de %(limit)d par import.")
            % {"count": len(data), "limit": max_rows}
        )
    width = len(headers)
    while width and not headers[width - 1]:
        width -= 1
    headers = headers[:width]
    if not width:
        raise ImportFileError(_("La ligne d'en-tête est vide."))
    padded = [(line, (cells + [""] * width)[:width]) for line, cells in data]
    return Table(headers=headers, rows=padded)


# --- CSV ---------------------------------------------------------------------


def csv_decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (which never fails)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def csv_delimiter(text: str) -> str:
    """ ";", "," or tab: the one the header line (outside quotes) uses most."""
    first_line = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {sep: unquoted.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    text = csv_decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    rows = []
    try:
        for index, cells in enumerate(reader, start=1):
            rows.append((index, [cell.strip() for cell in cells]))
    except csv.Error as error:
        raise ImportFileError(
            _("Le fichier CSV est mal formé vers la ligne %(line)d (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error
    return rows


# --- XLSX --------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores 75 as 75.0; a département or NAF code must read "75".
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # imported here: only uploads of spreadsheets need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise ImportFileError(
            _(
                "Le fichier n'a pas pu être lu comme un classeur Excel (.xlsx) : enregistrez-le à nouveau en .xlsx."
            )
        ) from error
    try:
        sheet = workbook.worksheets[0]
        merged = _xlsx_merged_ranges(content, getattr(sheet, "_worksheet_path", ""))
        if merged:
            raise ImportFileError(
                _(
                    "Le classeur contient des cellules fusionnées (%(ranges)s) : défusionnez-les "
                    "et remplissez chaque cellule, puis envoyez-le à nouveau."
                )
                % {"ranges": ", ".join(merged[:10]) + (" …" if len(merged) > 10 else "")}
            )
        return [
            (index, [_cell_text(value) for value in values])
            for index, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _xlsx_merged_ranges(content: bytes, sheet_path: str) -> list[str]:
    """The merged ranges ("A2:B2") of a sheet, read from its XML: the read-only
    worksheet of openpyxl does not expose them."""
    if not sheet_path:
        return []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            stream = archive.open(sheet_path.lstrip("/"))
        except KeyError:
            return []
        # A byte scan rather than an XML parser: openpyxl has already read
        # this XML, and only the <mergeCell ref="…"/> elements matter here.
        ranges: list[str] = []
        tail = b""
        with stream:
            while block := stream.read(1 << 20):
                data = tail + block
                found = list(_MERGE_CELL.finditer(data))
                ranges.extend(match.group(1).decode("ascii", "replace") for match in found)
                cut = found[-1].end() if found else 0
                tail = data[max(cut, len(data) - 200) :]
        return ranges
