"""`manage.py retention_sweep`: run the retention job now (for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pairs.privacy.tasks import retention_sweep


class Command(BaseCommand):
    help = "Prévient les membres inactifs depuis 24 mois, puis efface ceux restés inactifs 30 jours après."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Confier le travail à un worker au lieu de l'exécuter ici."
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            retention_sweep.enqueue()
            self.stdout.write("Tâche retention_sweep mise en file d'attente.")
            return
        counts = retention_sweep.call()
        self.stdout.write(
            "Avertis : {warned} · effacés : {erased} · avertissements annulés : {cancelled}"
            " · emails anciens supprimés : {emails_purged}".format(**counts)
        )
