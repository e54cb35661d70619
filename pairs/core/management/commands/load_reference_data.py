"""`manage.py load_reference_data`: load ROME, NAF, régions / départements, then the delegations.

Idempotent: run it after every deployment that changes the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import capfirst

from pairs.network.models import Delegation
from pairs.network.services import delegations_sync
from pairs.reference.loading import DEFAULT_DATA_DIR, ModelLoadReport, ReferenceDataError, reference_data_load


def _line(report: ModelLoadReport) -> str:
    text = (
        f"  {capfirst(report.label)} : {report.in_files} lignes ({report.created} ajoutées, "
        f"{report.updated} mises à jour, {report.unchanged} inchangées)"
    )
    if report.absent_from_files:
        text += f", {report.absent_from_files} absentes des fichiers et conservées"
    return text + "."


class Command(BaseCommand):
    help = "Charge les données de référence (ROME, NAF, régions, départements) et les délégations Apec."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="Dossier des fichiers CSV (par défaut : les données livrées avec l'application).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data_dir"]
        try:
            report = reference_data_load(data_dir=data_dir)
            delegations_changed = delegations_sync()
        except (ReferenceDataError, ValueError) as error:
            raise CommandError(str(error)) from error

        self.stdout.write(self.style.SUCCESS(f"Données de référence chargées depuis {data_dir}."))
        for model_report in report.models:
            self.stdout.write(_line(model_report))
        self.stdout.write(f"Versions : {' ; '.join(report.versions.values())}.")
        self.stdout.write(
            f"Délégations : {Delegation.objects.count()} ({delegations_changed} créées ou mises à jour)."
        )
