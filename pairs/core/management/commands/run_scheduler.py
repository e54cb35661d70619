"""Enqueue the periodic tasks when they are due (reminders, email retries, retention)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from pairs.core.scheduling import periodic_tasks_enqueue_due


class Command(BaseCommand):
    help = "Met en file les tâches périodiques quand elles sont dues (rappels, nouvelles tentatives d'envoi, rétention)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Un seul passage, puis s'arrêter.")
        parser.add_argument("--interval", type=float, default=20.0, help="Secondes entre deux passages.")

    def handle(self, *args: Any, once: bool = False, interval: float = 20.0, **options: Any) -> None:
        while True:
            for name in periodic_tasks_enqueue_due():
                self.stdout.write(f"Mise en file : {name}")
            if once:
                return
            time.sleep(interval)
