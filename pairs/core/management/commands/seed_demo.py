"""`manage.py seed_demo`: demo data for trying the platform (see pairs/core/demo.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pairs.core.demo import (
    DEFAULT_MEMBER_COUNT,
    DEFAULT_SEED,
    Counts,
    DemoPrerequisiteError,
    demo_logins,
    demo_prerequisites_check,
    demo_seed,
)

PROGRESS_EVERY = 10_000


def _number(value: int) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


def _counts(counts: Counts) -> str:
    return f"{_number(counts.created)} créé(s), {_number(counts.existing)} déjà présent(s)"


class Command(BaseCommand):
    help = (
        "Crée des données de démonstration déterministes et idempotentes : délégations de "
        "l'expérimentation, équipes, lieux, membres et comptes de démonstration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBER_COUNT,
            help=f"Nombre de membres à générer (par défaut {DEFAULT_MEMBER_COUNT}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Graine aléatoire : la même graine donne les mêmes données (par défaut {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--sans-historique",
            dest="history",
            action="store_false",
            help="Seulement les personnes (pour les bancs d'essai) : ni rencontres, ni avis, ni suggestions.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["members"]
        if count < 0:
            raise CommandError("--members doit être positif ou nul.")
        started = time.monotonic()
        last_reported = 0

        def on_progress(done: int, total: int) -> None:
            nonlocal last_reported
            if done - last_reported >= PROGRESS_EVERY or done == total:
                last_reported = done
                self.stdout.write(f"  Membres : {_number(done)} / {_number(total)}")

        try:
            demo_prerequisites_check()
            self.stdout.write(f"Génération de {_number(count)} membres (graine {options['seed']})…")
            summary = demo_seed(
                members=count,
                seed=options["seed"],
                on_progress=on_progress,
                history=options.get("history", True),
            )
        except DemoPrerequisiteError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Résumé"))
        if summary.experiment_marked:
            self.stdout.write(f"  Expérimentation : {', '.join(summary.experiment_marked)} (ajoutées)")
        else:
            self.stdout.write(
                "  Expérimentation : inchangée, "
                f"{', '.join(summary.experiment_delegations)} (choix de l'équipe nationale conservé)"
            )
        self.stdout.write(f"  Comptes de l'équipe Apec : {_counts(summary.staff)}")
        self.stdout.write(f"  Lieux : {_counts(summary.places)}")
        self.stdout.write(f"  Membre de démonstration : {_counts(summary.demo_member)}")
        self.stdout.write(f"  Membres : {_counts(summary.members)}")
        self.stdout.write(
            f"  Consentements : {_number(summary.members_given_consents)} membre(s) sans réponse complété(s)"
        )
        self.stdout.write(f"  Contacts des consultant·es : {_number(summary.contacts.created)} ajouté(s)")
        for label, figure in summary.history.items():
            self.stdout.write(f"  {label} : {figure}")

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Comptes de démonstration"))
        rows = [("Adresse email", "Rôle", "Mot de passe"), *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for position, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + "   ".join(cells).rstrip())
            if position == 0:
                self.stdout.write("  " + "   ".join("-" * width for width in widths))
        self.stdout.write(
            "  Les membres se connectent d'habitude avec un code reçu par email ; "
            "le membre de démonstration a aussi ce mot de passe."
        )

        seconds = f"{elapsed:.1f}".replace(".", ",")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes en {seconds} s"))
