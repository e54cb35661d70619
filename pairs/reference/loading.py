"""Load the reference data (ROME, NAF, régions / départements) from the CSV files.

Every file is read and checked first; only then is the database written, in one
transaction, with upserts: loading the same files twice changes nothing, and rows
that disappeared from the files are kept because other tables may point to them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from django.db import models, transaction

from pairs_engine.text import fold

from .models import (
    Departement,
    NafDivision,
    NafSection,
    ReferenceDataVersion,
    Region,
    RomeAppellation,
    RomeDomaine,
    RomeGrandDomaine,
    RomeMetier,
    RomeMobility,
)

# The editions the files in DEFAULT_DATA_DIR hold: update them with the files.
ROME_VERSION = "ROME 4.0 v60 (25M09, publiée le 18/09/2025)"
NAF_VERSION = "NAF rév. 2 (2008)"
COG_VERSION = "COG 2024"

SOURCE_ROME = "rome"
SOURCE_NAF = "naf"
SOURCE_COG = "cog"
VERSIONS: dict[str, str] = {SOURCE_ROME: ROME_VERSION, SOURCE_NAF: NAF_VERSION, SOURCE_COG: COG_VERSION}

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

# Django lowers it further to fit the database's limit on query parameters.
_BATCH_SIZE = 1000

# [0-9] rather than \d: \d also matches non-ASCII digits.
_REGION_CODE = re.compile(r"[0-9]{2}")
_DEPARTEMENT_CODE = re.compile(r"[0-9]{2}|2[AB]|97[0-9]")
_GRAND_DOMAINE_CODE = re.compile(r"[A-Z]")
_DOMAINE_CODE = re.compile(r"[A-Z][0-9]{2}")
_ROME_CODE = re.compile(r"[A-Z][0-9]{4}")
_OGR_CODE = re.compile(r"[0-9]{1,10}")
_NAF_SECTION_CODE = re.compile(r"[A-Z]")
_NAF_DIVISION_CODE = re.compile(r"[0-9]{2}")

# ROME flags: O(ui), N(on), or empty when the ROME does not say.
_FLAGS: dict[str, bool | None] = {"O": True, "N": False, "": None}
_CLASSIFICATIONS = {"PRINCIPALE", "SYNONYME"}

Key: TypeAlias = tuple[str, ...]
Value: TypeAlias = str | int | bool | None


class ReferenceDataError(Exception):
    """A reference data file is missing or holds a bad row; the message is one French sentence."""


@dataclass(frozen=True)
class ModelLoadReport:
    model: type[models.Model]
    in_files: int
    created: int
    updated: int
    unchanged: int
    # Rows in the database that the files no longer hold: left in place.
    absent_from_files: int

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


@dataclass(frozen=True)
class LoadReport:
    data_dir: Path
    models: tuple[ModelLoadReport, ...]
    versions: dict[str, str]

    @property
    def created(self) -> int:
        return sum(report.created for report in self.models)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self.models)

    @property
    def absent_from_files(self) -> int:
        return sum(report.absent_from_files for report in self.models)

    def for_model(self, model: type[models.Model]) -> ModelLoadReport:
        return next(report for report in self.models if report.model is model)


@dataclass
class _Table:
    """The validated rows of one file, keyed like the database table they go to."""

    model: type[models.Model]
    source: str
    file: str
    key_fields: tuple[str, ...]
    value_fields: tuple[str, ...]
    rows: dict[Key, tuple[Value, ...]] = field(default_factory=dict)
    lines: dict[Key, int] = field(default_factory=dict)

    def add(self, reader: _CsvReader, key: Key, values: tuple[Value, ...], what: str) -> None:
        if key in self.rows:
            shown = " → ".join(key)
            raise reader.error(f"{what} « {shown} » en double : déjà à la ligne {self.lines[key]}.")
        self.rows[key] = values
        self.lines[key] = reader.line

    def __contains__(self, code: str) -> bool:
        return (code,) in self.rows


class _CsvReader:
    """Rows of one CSV file as dicts, remembering the current line for error messages."""

    def __init__(self, data_dir: Path, file: str, columns: tuple[str, ...]) -> None:
        self.path = data_dir / file
        self.file = file
        self.columns = columns
        self.line = 1
        self._reader: csv.DictReader[str] | None = None

    def error(self, reason: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.file}, ligne {self.line} : {reason}")

    def __iter__(self) -> Iterator[dict[str, str]]:
        try:
            # utf-8-sig: a file re-saved by a spreadsheet may start with a BOM.
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                self._reader = csv.DictReader(handle)
                yield from self._rows(self._reader)
        except FileNotFoundError:
            raise ReferenceDataError(f"{self.file} : fichier introuvable dans {self.path.parent}.") from None
        except UnicodeDecodeError:
            raise ReferenceDataError(f"{self.file} : le fichier n'est pas encodé en UTF-8.") from None
        except csv.Error as error:
            if self._reader is not None:
                self.line = self._reader.line_num
            raise self.error(f"ligne CSV illisible ({error}).") from None

    def _rows(self, reader: csv.DictReader[str]) -> Iterator[dict[str, str]]:
        header = reader.fieldnames
        if not header:
            raise self.error("en-tête absent (fichier vide).")
        for column in self.columns:
            if column not in header:
                raise self.error(f"colonne « {column} » absente de l'en-tête.")
        for row in reader:
            # line_num counts physical lines, like an editor, header included.
            self.line = reader.line_num
            extra = row.pop(None, None)  # type: ignore[call-overload]
            if extra is not None or None in row.values():
                found = sum(value is not None for value in row.values()) + len(extra or [])
                raise self.error(f"nombre de champs incorrect ({found} au lieu de {len(header)}).")
            yield {column: value.strip() for column, value in row.items()}


def _code(reader: _CsvReader, value: str, pattern: re.Pattern[str], what: str, expected: str) -> str:
    if not pattern.fullmatch(value):
        raise reader.error(f"{what} « {value} » invalide (attendu : {expected}).")
    return value


def _text(reader: _CsvReader, row: dict[str, str], column: str, model_field: models.Field) -> str:
    value = row[column]
    if not value and not model_field.blank:
        raise reader.error(f"la colonne « {column} » est vide.")
    if model_field.max_length is not None and len(value) > model_field.max_length:
        raise reader.error(
            f"« {column} » trop long ({len(value)} caractères, maximum {model_field.max_length})."
        )
    return value


def _flag(reader: _CsvReader, row: dict[str, str], column: str) -> bool | None:
    value = row[column]
    if value not in _FLAGS:
        raise reader.error(f"valeur « {value} » invalide pour « {column} » (attendu : O, N ou vide).")
    return _FLAGS[value]


def _field(model: type[models.Model], name: str) -> models.Field:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def _regions_parse(data_dir: Path) -> _Table:
    table = _Table(Region, SOURCE_COG, "regions/regions.csv", ("code",), ("label", "overseas"))
    reader = _CsvReader(data_dir, table.file, ("code_region", "libelle_region", "outre_mer"))
    label = _field(Region, "label")
    for row in reader:
        code = _code(reader, row["code_region"], _REGION_CODE, "code région", "2 chiffres")
        overseas = _flag(reader, row, "outre_mer")
        table.add(
            reader, (code,), (_text(reader, row, "libelle_region", label), bool(overseas)), "code région"
        )
    return table


def _departements_parse(data_dir: Path, regions: _Table) -> _Table:
    table = _Table(Departement, SOURCE_COG, "regions/departements.csv", ("code",), ("label", "region"))
    reader = _CsvReader(data_dir, table.file, ("code_departement", "libelle_departement", "code_region"))
    label = _field(Departement, "label")
    for row in reader:
        code = _code(
            reader,
            row["code_departement"],
            _DEPARTEMENT_CODE,
            "code département",
            "2 chiffres, 2A, 2B ou 97 suivi d'un chiffre",
        )
        region = row["code_region"]
        if region not in regions:
            raise reader.error(f"région « {region} » inconnue (absente de {regions.file}).")
        table.add(
            reader, (code,), (_text(reader, row, "libelle_departement", label), region), "code département"
        )
    return table


def _grands_domaines_parse(data_dir: Path) -> _Table:
    table = _Table(RomeGrandDomaine, SOURCE_ROME, "rome/grands_domaines.csv", ("code",), ("label",))
    reader = _CsvReader(data_dir, table.file, ("code_grand_domaine", "libelle_grand_domaine"))
    label = _field(RomeGrandDomaine, "label")
    for row in reader:
        code = _code(
            reader, row["code_grand_domaine"], _GRAND_DOMAINE_CODE, "code grand domaine", "une lettre"
        )
        table.add(
            reader, (code,), (_text(reader, row, "libelle_grand_domaine", label),), "code grand domaine"
        )
    return table


def _domaines_parse(data_dir: Path, grands_domaines: _Table) -> _Table:
    table = _Table(
        RomeDomaine, SOURCE_ROME, "rome/domaines_professionnels.csv", ("code",), ("label", "grand_domaine")
    )
    reader = _CsvReader(
        data_dir,
        table.file,
        ("code_domaine_professionnel", "libelle_domaine_professionnel", "code_grand_domaine"),
    )
    label = _field(RomeDomaine, "label")
    for row in reader:
        code = _code(
            reader,
            row["code_domaine_professionnel"],
            _DOMAINE_CODE,
            "code domaine",
            "une lettre et 2 chiffres",
        )
        grand_domaine = row["code_grand_domaine"]
        if grand_domaine not in grands_domaines:
            raise reader.error(
                f"grand domaine « {grand_domaine} » inconnu (absent de {grands_domaines.file})."
            )
        if grand_domaine != code[0]:
            raise reader.error(
                f"grand domaine « {grand_domaine} » incohérent avec le code domaine « {code} » "
                f"(attendu : « {code[0]} »)."
            )
        values = (_text(reader, row, "libelle_domaine_professionnel", label), grand_domaine)
        table.add(reader, (code,), values, "code domaine")
    return table


def _metiers_parse(data_dir: Path, domaines: _Table) -> _Table:
    table = _Table(
        RomeMetier,
        SOURCE_ROME,
        "rome/metiers.csv",
        ("code",),
        (
            "label",
            "domaine",
            "emploi_cadre",
            "emploi_reglemente",
            "transition_eco",
            "transition_num",
            "transition_demo",
            "code_ogr",
        ),
    )
    reader = _CsvReader(
        data_dir,
        table.file,
        (
            "code_rome",
            "libelle_rome",
            "code_domaine_professionnel",
            "code_grand_domaine",
            "emploi_cadre",
            "emploi_reglemente",
            "transition_eco",
            "transition_num",
            "transition_demo",
            "code_ogr",
        ),
    )
    label = _field(RomeMetier, "label")
    transition_eco = _field(RomeMetier, "transition_eco")
    for row in reader:
        code = _code(reader, row["code_rome"], _ROME_CODE, "code ROME", "une lettre et 4 chiffres")
        domaine = row["code_domaine_professionnel"]
        if domaine not in domaines:
            raise reader.error(f"domaine professionnel « {domaine} » inconnu (absent de {domaines.file}).")
        if domaine != code[:3]:
            raise reader.error(
                f"domaine professionnel « {domaine} » incohérent avec le code ROME « {code} » "
                f"(attendu : « {code[:3]} »)."
            )
        if row["code_grand_domaine"] != code[0]:
            raise reader.error(
                f"grand domaine « {row['code_grand_domaine']} » incohérent avec le code ROME « {code} » "
                f"(attendu : « {code[0]} »)."
            )
        code_ogr = row["code_ogr"]
        if code_ogr:
            _code(reader, code_ogr, _OGR_CODE, "code OGR", "de 1 à 10 chiffres")
        values = (
            _text(reader, row, "libelle_rome", label),
            domaine,
            _flag(reader, row, "emploi_cadre"),
            _flag(reader, row, "emploi_reglemente"),
            _text(reader, row, "transition_eco", transition_eco),
            _flag(reader, row, "transition_num"),
            _flag(reader, row, "transition_demo"),
            code_ogr,
        )
        table.add(reader, (code,), values, "code ROME")
    return table


def _mobilities_parse(data_dir: Path, metiers: _Table) -> _Table:
    table = _Table(RomeMobility, SOURCE_ROME, "rome/mobilites.csv", ("source", "target"), ("order",))
    reader = _CsvReader(data_dir, table.file, ("code_rome", "code_rome_cible", "numero_ordre"))
    for row in reader:
        source, target = row["code_rome"], row["code_rome_cible"]
        for code in (source, target):
            _code(reader, code, _ROME_CODE, "code ROME", "une lettre et 4 chiffres")
            if code not in metiers:
                raise reader.error(f"code ROME « {code} » inconnu (absent de {metiers.file}).")
        if source == target:
            raise reader.error(f"le métier « {source} » ne peut pas être sa propre mobilité.")
        order = row["numero_ordre"]
        # PositiveSmallIntegerField: at most 32767 on every database.
        if not re.fullmatch(r"[0-9]{1,4}", order) or int(order) == 0:
            raise reader.error(f"numéro d'ordre « {order} » invalide (attendu : un entier de 1 à 9999).")
        table.add(reader, (source, target), (int(order),), "mobilité")
    return table


def _appellations_parse(data_dir: Path, metiers: _Table) -> _Table:
    table = _Table(
        RomeAppellation,
        SOURCE_ROME,
        "rome/appellations.csv",
        ("code_ogr",),
        ("label", "label_short", "metier", "is_principal", "emploi_cadre", "rarely_used", "search_text"),
    )
    reader = _CsvReader(
        data_dir,
        table.file,
        (
            "code_ogr",
            "libelle_appellation_long",
            "libelle_appellation_court",
            "code_rome",
            "classification",
            "emploi_cadre",
            "peu_usite",
        ),
    )
    label = _field(RomeAppellation, "label")
    label_short = _field(RomeAppellation, "label_short")
    for row in reader:
        code = _code(reader, row["code_ogr"], _OGR_CODE, "code OGR", "de 1 à 10 chiffres")
        metier = row["code_rome"]
        if metier not in metiers:
            raise reader.error(f"code ROME « {metier} » inconnu (absent de {metiers.file}).")
        classification = row["classification"]
        if classification not in _CLASSIFICATIONS:
            raise reader.error(
                f"classification « {classification} » invalide (attendu : PRINCIPALE ou SYNONYME)."
            )
        long_label = _text(reader, row, "libelle_appellation_long", label)
        values = (
            long_label,
            _text(reader, row, "libelle_appellation_court", label_short),
            metier,
            classification == "PRINCIPALE",
            _flag(reader, row, "emploi_cadre"),
            bool(_flag(reader, row, "peu_usite")),
            fold(long_label),
        )
        table.add(reader, (code,), values, "code OGR")
    return table


def _naf_sections_parse(data_dir: Path) -> _Table:
    table = _Table(NafSection, SOURCE_NAF, "naf/sections.csv", ("code",), ("label",))
    reader = _CsvReader(data_dir, table.file, ("code_section", "libelle_section"))
    label = _field(NafSection, "label")
    for row in reader:
        code = _code(reader, row["code_section"], _NAF_SECTION_CODE, "code section NAF", "une lettre")
        # The published label is upper case: stored as is, displays may change case.
        table.add(reader, (code,), (_text(reader, row, "libelle_section", label),), "code section NAF")
    return table


def _naf_divisions_parse(data_dir: Path, sections: _Table) -> _Table:
    table = _Table(
        NafDivision, SOURCE_NAF, "naf/divisions.csv", ("code",), ("label", "label_short", "section")
    )
    reader = _CsvReader(
        data_dir, table.file, ("code_division", "libelle_division", "libelle_65", "code_section")
    )
    label = _field(NafDivision, "label")
    label_short = _field(NafDivision, "label_short")
    for row in reader:
        code = _code(reader, row["code_division"], _NAF_DIVISION_CODE, "code division NAF", "2 chiffres")
        section = row["code_section"]
        if section not in sections:
            raise reader.error(f"section NAF « {section} » inconnue (absente de {sections.file}).")
        values = (
            _text(reader, row, "libelle_division", label),
            _text(reader, row, "libelle_65", label_short),
            section,
        )
        table.add(reader, (code,), values, "code division NAF")
    return table


def _tables_parse(*, data_dir: Path = DEFAULT_DATA_DIR) -> list[_Table]:
    """Read and check every file; the tables come parents first, in writing order."""
    regions = _regions_parse(data_dir)
    departements = _departements_parse(data_dir, regions)
    grands_domaines = _grands_domaines_parse(data_dir)
    domaines = _domaines_parse(data_dir, grands_domaines)
    metiers = _metiers_parse(data_dir, domaines)
    mobilities = _mobilities_parse(data_dir, metiers)
    appellations = _appellations_parse(data_dir, metiers)
    sections = _naf_sections_parse(data_dir)
    divisions = _naf_divisions_parse(data_dir, sections)
    return [
        regions,
        departements,
        grands_domaines,
        domaines,
        metiers,
        mobilities,
        appellations,
        sections,
        divisions,
    ]


def _table_write(table: _Table) -> ModelLoadReport:
    """Upsert the new and changed rows of one table; compare with the database to count them."""
    model = table.model
    key_attnames = [_field(model, name).attname for name in table.key_fields]
    value_attnames = [_field(model, name).attname for name in table.value_fields]
    width = len(key_attnames)
    in_database = model.objects.order_by().values_list(*key_attnames, *value_attnames)
    existing = {row[:width]: row[width:] for row in in_database.iterator(chunk_size=5000)}
    to_write: list[models.Model] = []
    created = updated = 0
    for key, values in table.rows.items():
        current = existing.get(key)
        if current == values:
            continue
        if current is None:
            created += 1
        else:
            updated += 1
        to_write.append(model(**dict(zip((*key_attnames, *value_attnames), (*key, *values), strict=True))))
    if to_write:
        # An upsert rather than an insert: safe even if a row appeared since we read the table.
        model.objects.bulk_create(
            to_write,
            batch_size=_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=list(table.key_fields),
            update_fields=list(table.value_fields),
        )
    return ModelLoadReport(
        model=model,
        in_files=len(table.rows),
        created=created,
        updated=updated,
        unchanged=len(table.rows) - created - updated,
        absent_from_files=sum(key not in table.rows for key in existing),
    )


def reference_data_load(*, data_dir: Path = DEFAULT_DATA_DIR) -> LoadReport:
    """Load every reference file into the database; all or nothing.

    Raises ReferenceDataError, before writing anything, if a file is missing or
    holds a bad row.
    """
    data_dir = Path(data_dir)
    tables = _tables_parse(data_dir=data_dir)
    with transaction.atomic():
        reports = tuple(_table_write(table) for table in tables)
        for source, version in VERSIONS.items():
            row_count = sum(len(table.rows) for table in tables if table.source == source)
            ReferenceDataVersion.objects.update_or_create(
                source=source, defaults={"version": version, "row_count": row_count}
            )
    return LoadReport(data_dir=data_dir, models=reports, versions=dict(VERSIONS))
