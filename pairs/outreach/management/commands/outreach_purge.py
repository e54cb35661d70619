"""`manage.py outreach_purge`: run the public side's purge now (for cron, daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pairs.outreach.tasks import outreach_purge


class Command(BaseCommand):
    help = (
        "Efface les inscriptions « Restons en contact » non confirmées depuis 7 jours, celles de plus "
        "de 3 ans, les signalements d'accessibilité de plus de 2 ans et les compteurs anti-spam échus."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Confier le travail à un worker au lieu de l'exécuter ici."
        )

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            outreach_purge.enqueue()
            self.stdout.write("Tâche outreach_purge mise en file d'attente.")
            return
        counts = outreach_purge.call()
        self.stdout.write(
            "Non confirmées : {unconfirmed} · échues : {expired} · signalements : {reports} · "
            "compteurs : {throttle}".format(**counts)
        )
