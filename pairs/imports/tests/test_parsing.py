"""Reading files: encodings, separators, spreadsheets, empty files; mapping suggestions."""

from __future__ import annotations

import pytest

from pairs.core.spreadsheets import cell_neutralise
from pairs.imports.files import error_rows_csv, template_csv, template_xlsx
from pairs.imports.parsing import ImportFileError, csv_decode, file_format_guess, table_read
from pairs.imports.validation import FIELD_KEYS, RowResult, mapping_suggest
from tests.factories_imports import HEADERS, csv_bytes, good_row, xlsx_bytes


def _read(content: bytes, file_format: str = "csv"):
    return table_read(content=content, file_format=file_format)


def test_latin1_with_semicolons_and_quoted_fields() -> None:
    rows = [["Hélène", "Lefèvre; née Dupont", "h@exemple.fr"], ["Zoé", 'Dit "Zo"', "z@exemple.fr"]]
    content = csv_bytes(rows, delimiter=";", encoding="latin-1", headers=["prénom", "nom", "email"])
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    table = _read(content)
    assert table.headers == ["prénom", "nom", "email"]
    assert table.rows == [
        (2, ["Hélène", "Lefèvre; née Dupont", "h@exemple.fr"]),
        (3, ["Zoé", 'Dit "Zo"', "z@exemple.fr"]),
    ]


def test_cp1252_characters_are_decoded() -> None:
    assert csv_decode("Cœur – l’été".encode("cp1252")) == "Cœur – l’été"


def test_utf8_with_bom_and_comma_separator() -> None:
    content = b"\xef\xbb\xbf" + csv_bytes(
        [["Élodie", "Noël", "e@exemple.fr"]], headers=["prenom", "nom", "email"]
    )
    table = _read(content)
    assert table.headers[0] == "prenom"  # no BOM glued to the first header
    assert table.rows == [(2, ["Élodie", "Noël", "e@exemple.fr"])]


def test_empty_rows_are_skipped_and_line_numbers_kept() -> None:
    content = b"prenom;nom\n\nAnne;Lee\n;\nBob;Roy\n"
    assert _read(content).rows == [(3, ["Anne", "Lee"]), (5, ["Bob", "Roy"])]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "vide"),
        (b"prenom;nom;email\n", "aucune ligne de donn"),
        (b"prenom;nom\n;\n\n", "aucune ligne de donn"),
    ],
)
def test_a_file_without_data_rows_is_refused(content: bytes, expected: str) -> None:
    with pytest.raises(ImportFileError, match=expected):
        _read(content)


def test_too_many_rows_are_refused() -> None:
    with pytest.raises(ImportFileError, match="limite est de 2"):
        table_read(content=b"a\n1\n2\n3\n", file_format="csv", max_rows=2)


def test_xlsx_formula_gives_its_cached_value() -> None:
    row = good_row(1)
    row[2] = "=LOWER(A2)"
    content = xlsx_bytes([row], cached={"C2": "calcule@exemple.fr"})
    assert file_format_guess(name="contacts.csv", content=content) == "xlsx"  # by content, not name
    table = _read(content, "xlsx")
    assert table.headers == HEADERS
    assert table.rows[0][1][2] == "calcule@exemple.fr"


def test_xlsx_numbers_read_as_codes_and_empty_rows_skipped() -> None:
    row: list[object] = list(good_row(1))
    row[3] = 75  # a département typed as a number
    content = xlsx_bytes([row, [None] * len(HEADERS), good_row(3)])
    table = _read(content, "xlsx")
    assert [line for line, _cells in table.rows] == [2, 4]
    assert table.rows[0][1][3] == "75"


def test_xlsx_merged_cells_are_refused_with_their_range() -> None:
    content = xlsx_bytes([good_row(1), good_row(2)], merge="D2:D3")
    with pytest.raises(ImportFileError, match="D2:D3"):
        _read(content, "xlsx")


def test_a_damaged_xlsx_is_refused() -> None:
    with pytest.raises(ImportFileError, match=r"classeur Excel"):
        _read(b"PK\x03\x04 not really a zip", "xlsx")


def test_mapping_is_suggested_from_headers_ignoring_case_and_accents() -> None:
    headers = ["E-mail", "PRÉNOM", "Nom de famille", "Téléphone", "Code ROME", "Divers", "Étape"]
    mapping = mapping_suggest(headers=headers)
    assert mapping["email"] == 0
    assert mapping["prenom"] == 1
    assert mapping["nom"] == 2
    assert mapping["telephone"] == 3
    assert mapping["metier"] == 4
    assert mapping["etape"] == 6
    assert mapping["situation"] is None
    assert 5 not in mapping.values()


def test_templates_have_the_french_headers_and_read_back() -> None:
    for content, file_format in ((template_csv(), "csv"), (template_xlsx(), "xlsx")):
        table = _read(content, file_format)
        assert table.headers == list(FIELD_KEYS)
        assert len(table.rows) == 1
        suggested = mapping_suggest(headers=table.headers)
        assert suggested == {key: index for index, key in enumerate(FIELD_KEYS)}


def test_error_file_neutralises_formulas() -> None:
    assert cell_neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell_neutralise("+33 6") == "'+33 6"
    assert cell_neutralise("Anne") == "Anne"
    text = error_rows_csv(
        headers=["prenom", "@nom"],
        rows=[RowResult(line=7, cells=["=cmd|' /C calc'!A0", "x"], errors=["-bad"])],
        with_header=True,
    )
    assert text.splitlines() == ["prenom;'@nom;ligne;raison", "'=cmd|' /C calc'!A0;x;7;'-bad"]


def test_an_xlsx_with_only_headers_is_refused() -> None:
    with pytest.raises(ImportFileError, match="aucune ligne de données"):
        _read(xlsx_bytes([]), "xlsx")
