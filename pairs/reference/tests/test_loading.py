"""The reference data loader and `manage.py load_reference_data`."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from pairs.network.delegations import DELEGATIONS
from pairs.network.models import Delegation
from pairs.network.services import delegations_sync
from pairs.reference.loading import (
    COG_VERSION,
    DEFAULT_DATA_DIR,
    NAF_VERSION,
    ROME_VERSION,
    ReferenceDataError,
    reference_data_load,
)
from pairs.reference.models import (
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

EXPECTED_COUNTS: dict[type[models.Model], int] = {
    Region: 18,
    Departement: 101,
    RomeGrandDomaine: 14,
    RomeDomaine: 110,
    RomeMetier: 1584,
    RomeMobility: 14912,
    RomeAppellation: 13120,
    NafSection: 21,
    NafDivision: 88,
}
SNAPSHOT_MODELS: list[type[models.Model]] = [*EXPECTED_COUNTS, ReferenceDataVersion, Delegation]

Rows = list[list[str]]


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the loader may write, to compare before and after."""
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in SNAPSHOT_MODELS}


def _edit(data_dir: Path, file: str, change: Callable[[Rows], None]) -> None:
    """Rewrite one CSV file; rows[0] is the header, rows[n - 1] is line n."""
    path = data_dir / file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set(line: int, column: str, value: str) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows[line - 1][rows[0].index(column)] = value

    return change


def _rename_column(column: str, new_name: str) -> Callable[[Rows], None]:
    return _set(1, column, new_name)


def _append_copy_of(line: int) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows.append(list(rows[line - 1]))

    return change


def _add_field(line: int) -> Callable[[Rows], None]:
    def change(rows: Rows) -> None:
        rows[line - 1].append("en trop")

    return change


# (file, change, expected message): one bad row each.
BAD_ROWS: list[tuple[str, Callable[[Rows], None], str]] = [
    (
        "rome/metiers.csv",
        _set(12, "code_rome", "A11"),
        "rome/metiers.csv, ligne 12 : code ROME « A11 » invalide (attendu : une lettre et 4 chiffres).",
    ),
    (
        "rome/metiers.csv",
        _set(30, "code_domaine_professionnel", "Z99"),
        "rome/metiers.csv, ligne 30 : domaine professionnel « Z99 » inconnu "
        "(absent de rome/domaines_professionnels.csv).",
    ),
    (
        "rome/metiers.csv",
        _set(7, "code_domaine_professionnel", "A11"),
        "rome/metiers.csv, ligne 7 : domaine professionnel « A11 » incohérent avec le code ROME « A1204 » "
        "(attendu : « A12 »).",
    ),
    (
        "rome/appellations.csv",
        _append_copy_of(2),
        "rome/appellations.csv, ligne 13122 : code OGR « 10200 » en double : déjà à la ligne 2.",
    ),
    (
        "rome/appellations.csv",
        _set(100, "peu_usite", "Oui"),
        "rome/appellations.csv, ligne 100 : valeur « Oui » invalide pour « peu_usite » "
        "(attendu : O, N ou vide).",
    ),
    (
        "rome/mobilites.csv",
        _set(50, "code_rome_cible", "Z9999"),
        "rome/mobilites.csv, ligne 50 : code ROME « Z9999 » inconnu (absent de rome/metiers.csv).",
    ),
    (
        "naf/divisions.csv",
        _rename_column("code_section", "section"),
        "naf/divisions.csv, ligne 1 : colonne « code_section » absente de l'en-tête.",
    ),
    (
        "regions/departements.csv",
        _set(3, "code_departement", "2C"),
        "regions/departements.csv, ligne 3 : code département « 2C » invalide",
    ),
    (
        "regions/regions.csv",
        _add_field(4),
        "regions/regions.csv, ligne 4 : nombre de champs incorrect (5 au lieu de 4).",
    ),
]
BAD_ROW_IDS = [
    "bad-rome-code",
    "unknown-domaine",
    "domaine-not-rome-prefix",
    "duplicate-key",
    "bad-flag",
    "unknown-mobility-target",
    "missing-column",
    "bad-departement-code",
    "extra-field",
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data, to spoil in tests."""
    return Path(shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data"))


@pytest.mark.django_db
def test_full_load_via_command() -> None:
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    for model, count in EXPECTED_COUNTS.items():
        assert model.objects.count() == count, model.__name__
    versions = dict(ReferenceDataVersion.objects.values_list("source", "version"))
    assert versions == {"rome": ROME_VERSION, "naf": NAF_VERSION, "cog": COG_VERSION}
    assert ReferenceDataVersion.objects.get(source="cog").row_count == 18 + 101
    assert ReferenceDataVersion.objects.get(source="naf").row_count == 21 + 88
    assert "Délégations : 12" in out.getvalue()
    assert ROME_VERSION in out.getvalue()

    # The mapping, on a few known rows.
    assert Region.objects.get(code="01").overseas is True
    assert Region.objects.get(code="94").overseas is False
    assert Departement.objects.get(code="2A").region_id == "94"
    metier = RomeMetier.objects.get(code="A1101")
    assert metier.domaine_id == "A11"
    assert metier.emploi_cadre is None  # empty in the file: unknown, not "no"
    assert metier.transition_eco == "Emploi Blanc"
    assert metier.code_ogr == "6"
    assert RomeMetier.objects.filter(emploi_cadre=True).count() == 507
    assert RomeAppellation.objects.filter(is_principal=True).count() == 1584
    assert RomeAppellation.objects.filter(rarely_used=True).count() == 199
    appellation = RomeAppellation.objects.get(code_ogr="10200")
    assert appellation.label == "Abatteur / Abatteuse de carrière"
    assert appellation.metier_id == "F1402"
    assert RomeMobility.objects.get(source_id="A1101", target_id="A1102").order == 6
    assert NafSection.objects.get(code="A").label == "AGRICULTURE, SYLVICULTURE ET PÊCHE"
    assert NafDivision.objects.get(code="01").section_id == "A"

    # Delegations: every metropolitan département in exactly one, no overseas one.
    assert Delegation.objects.count() == 12
    covered = list(
        Departement.objects.filter(region__delegations__isnull=False).values_list("code", flat=True)
    )
    assert len(covered) == len(set(covered)) == 96
    assert not Departement.objects.filter(region__overseas=True, region__delegations__isnull=False).exists()
    paca_corse = Delegation.objects.get(code="paca-corse")
    assert set(paca_corse.regions.values_list("code", flat=True)) == {"93", "94"}


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    first = reference_data_load()
    before = _snapshot()

    second = reference_data_load()

    assert first.created == sum(EXPECTED_COUNTS.values())
    assert second.created == 0
    assert second.updated == 0
    assert second.absent_from_files == 0
    for model, count in EXPECTED_COUNTS.items():
        assert second.for_model(model).unchanged == count
    after = _snapshot()
    # Only the load time of the versions moves.
    before.pop("ReferenceDataVersion")
    assert after.pop("ReferenceDataVersion") != []
    assert after == before


@pytest.mark.django_db
def test_reload_updates_changed_rows_and_keeps_rows_gone_from_files(data_copy: Path) -> None:
    reference_data_load()
    _edit(data_copy, "rome/metiers.csv", _set(2, "libelle_rome", "Conducteur d'engins agricoles"))
    # Drop the last appellation: the database keeps it, other tables may point to it.
    last_appellation = RomeAppellation.objects.get(code_ogr="10200")
    _edit(data_copy, "rome/appellations.csv", lambda rows: rows.pop(1))

    report = reference_data_load(data_dir=data_copy)

    assert report.for_model(RomeMetier).updated == 1
    assert report.for_model(RomeMetier).created == 0
    assert RomeMetier.objects.get(code="A1101").label == "Conducteur d'engins agricoles"
    assert report.for_model(RomeAppellation).absent_from_files == 1
    assert RomeAppellation.objects.filter(pk=last_appellation.pk).exists()
    assert report.created == 0
    assert report.updated == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("file", "change", "message"), BAD_ROWS, ids=BAD_ROW_IDS)
def test_bad_row_names_file_and_line_and_writes_nothing(
    data_copy: Path, file: str, change: Callable[[Rows], None], message: str
) -> None:
    _edit(data_copy, file, change)

    with pytest.raises(ReferenceDataError, match=f"^{re.escape(message)}"):
        reference_data_load(data_dir=data_copy)

    for model in SNAPSHOT_MODELS:
        assert not model.objects.exists(), model.__name__


@pytest.mark.django_db
def test_bad_files_leave_a_loaded_database_unchanged(tmp_path: Path) -> None:
    reference_data_load()
    before = _snapshot()

    for index, (file, change, message) in enumerate(BAD_ROWS):
        data_dir = Path(shutil.copytree(DEFAULT_DATA_DIR, tmp_path / f"bad{index}"))
        # A valid change in a file read earlier must not be written either.
        _edit(data_dir, "regions/regions.csv", _set(2, "libelle_region", "Guadeloupe (modifiée)"))
        _edit(data_dir, file, change)
        with pytest.raises(ReferenceDataError, match=re.escape(message)):
            reference_data_load(data_dir=data_dir)

    assert _snapshot() == before


@pytest.mark.django_db
def test_missing_file_is_named(data_copy: Path) -> None:
    (data_copy / "naf" / "sections.csv").unlink()

    with pytest.raises(ReferenceDataError, match=r"^naf/sections\.csv : fichier introuvable"):
        reference_data_load(data_dir=data_copy)


@pytest.mark.django_db
def test_command_turns_bad_data_into_command_error(data_copy: Path) -> None:
    file, change, message = BAD_ROWS[0]
    _edit(data_copy, file, change)

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_reference_data", data_dir=data_copy, stdout=StringIO())

    assert not Region.objects.exists()
    assert not Delegation.objects.exists()


@pytest.fixture
def metropolitan_regions() -> None:
    """Just the régions the delegations need: no full load."""
    codes = {code for spec in DELEGATIONS for code in spec.region_codes}
    Region.objects.bulk_create(Region(code=code, label=f"Région {code}") for code in sorted(codes))
    Region.objects.create(code="01", label="Guadeloupe", overseas=True)


@pytest.mark.django_db
@pytest.mark.usefixtures("metropolitan_regions")
def test_delegations_sync_is_idempotent_and_keeps_in_experiment() -> None:
    assert delegations_sync() == 12
    assert Delegation.objects.count() == 12
    Delegation.objects.filter(code="bretagne").update(in_experiment=True, name="Ancien nom")
    Delegation.objects.get(code="paca-corse").regions.set(["93"])

    assert delegations_sync() == 2
    assert delegations_sync() == 0

    bretagne = Delegation.objects.get(code="bretagne")
    assert bretagne.in_experiment is True
    assert bretagne.name == "Apec Bretagne"
    assert Delegation.objects.filter(in_experiment=True).count() == 1
    paca_corse = Delegation.objects.get(code="paca-corse")
    assert paca_corse.name == "Apec Provence-Alpes-Côte d'Azur et Corse"
    assert set(paca_corse.regions.values_list("code", flat=True)) == {"93", "94"}
    assert not Region.objects.get(code="01").delegations.exists()


@pytest.mark.django_db
def test_delegations_sync_needs_the_regions() -> None:
    with pytest.raises(ValueError, match="chargez d'abord les données de référence"):
        delegations_sync()
    assert not Delegation.objects.exists()
