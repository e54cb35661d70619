#!/usr/bin/env python3
"""Benchmark of the staff member search ("Trouver des personnes") on 100,000 demo members.

    .venv/bin/python bench/search_members.py                 # SQLite, var/bench/search_members.sqlite3
    python3 scripts/with_postgres.py -- .venv/bin/python bench/search_members.py   # PostgreSQL
    .venv/bin/python bench/search_members.py --report        # both results side by side

The database is built once (migrate, load_reference_data, seed_demo --members 100000
--seed 7, then the search index rebuild) and reused when it already holds the members.
A fixed, seeded set of realistic requests then goes through Django's test Client to the
real view, as a consultant (Île-de-France) and as the national team: text searches,
filter combinations, both together, deep pages. The same text searches are replayed
with the naive `icontains` search as a baseline. Latencies (whole request: view, SQL,
template) are printed as p50 / p95 / max per family and overall, and saved as JSON under
var/bench/ so that `--report` can put the databases side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "search_members.sqlite3"
MEMBERS = 100_000
SEED = 7
REPEAT = 3  # timed runs of each request, after one warm-up run
TARGET_P95_MS = 200.0

CONSULTANT = "consultant@demo.rencontres-entre-pairs.fr"
NATIONAL = "national@demo.rencontres-entre-pairs.fr"

# What consultants type: jobs, topics, names, half-typed words (live search), accents or not.
TEXT_QUERIES = (
    "ingénieur",
    "ingenieur",
    "marketing",
    "reconversion",
    "management",
    "réseau",
    "numérique",
    "chef de projet",
    "ingé",
    "Moreau",
    "Martin",
    "ressources humaines",
    "finance",
    "création entreprise",
    "premier emploi",
    "négociation salaire",
)


def _postgres_database_create(database_url: str) -> None:
    """with_postgres.py starts a bare cluster: create the URL's database when it is missing."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # The test Client's host; not setup_test_environment(), whose template instrumentation
    # would be measured too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _database_build(*, members: int, seed: int) -> dict[str, float]:
    """Migrate, load, seed and index, unless the database already holds the members."""
    from django.core.management import call_command
    from django.db import connection

    from pairs.members.models import Member
    from pairs.members.search import member_search_index_rebuild

    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0, interactive=False)
    if Member.objects.count() >= members:
        print(f"Base réutilisée : {Member.objects.count():,} membres.".replace(",", "\u202f"), flush=True)
    else:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("load_reference_data", stdout=quiet)
            call_command("seed_demo", members=members, seed=seed, history=False, stdout=quiet)
        timings["seed_s"] = time.perf_counter() - started
        started = time.perf_counter()
        written = member_search_index_rebuild()
        timings["index_rebuild_s"] = time.perf_counter() - started
        print(
            f"Base construite en {timings['seed_s']:.1f} s ; index de recherche : {written} documents "
            f"en {timings['index_rebuild_s']:.1f} s.",
            flush=True,
        )
    # Fresh statistics, as autovacuum (PostgreSQL) or a maintenance job (SQLite) would leave them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return timings


def _requests(*, seed: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(family, viewer, GET parameters): the same list for the same seed and reference data."""
    from pairs.members.models import Phase, Situation
    from pairs.members.selectors import departement_list, rome_domaine_list, topic_list_active
    from pairs.privacy.models import ConsentKind

    rng = random.Random(seed)  # noqa: S311 - reproducible choice of requests, not secrets
    departements = sorted(d.code for d in departement_list())
    idf = [code for code in ("75", "92", "93", "94", "91", "78", "77", "95") if code in departements]
    domaines = [d.code for d in rome_domaine_list()]
    grands = sorted({code[0] for code in domaines})
    topics = [t.slug for t in topic_list_active()]

    def some_filters() -> dict[str, Any]:
        filters: dict[str, Any] = {}
        for name, values in (
            ("situation", Situation.values),
            ("phase", Phase.values),
            ("rome", domaines + grands),
            ("topic", topics),
            ("consent", [ConsentKind.RECOMMENDATIONS]),
        ):
            if rng.random() < 0.45:
                filters[name] = rng.choice(values)
        if "topic" in filters and rng.random() < 0.5:
            filters["topic_role"] = rng.choice(["sought", "offered"])
        return filters or {"situation": rng.choice(Situation.values)}

    requests: list[tuple[str, str, dict[str, Any]]] = []
    for viewer in (CONSULTANT, NATIONAL):
        requests.append(("liste", viewer, {}))
        for query in TEXT_QUERIES:
            requests.append(("texte", viewer, {"q": query}))
        for _ in range(12):
            filters = some_filters()
            if rng.random() < 0.4:
                filters["departement"] = rng.choice(idf if viewer == CONSULTANT else departements)
            requests.append(("filtres", viewer, filters))
        for _ in range(10):
            requests.append(("texte+filtres", viewer, {"q": rng.choice(TEXT_QUERIES), **some_filters()}))
        for page in (20, 60, 100):  # the list stops at page 100 (views.COUNT_LIMIT)
            requests.append(("pages profondes", viewer, {"page": page}))
        for query in ("management", "ingénieur"):
            requests.append(("pages profondes", viewer, {"q": query, "page": 10}))
    return requests


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": _percentile(values, 0.95),
        "max": max(values),
    }


def _measure(requests: list[tuple[str, str, dict[str, Any]]], *, repeat: int) -> dict[str, list[float]]:
    from django.test import Client
    from django.urls import reverse

    from pairs.accounts.models import User

    clients = {}
    for email in (CONSULTANT, NATIONAL):
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[email] = client
    url = reverse("members:list")
    timings: dict[str, list[float]] = {}
    for family, viewer, params in requests:
        path = f"{url}?{urlencode(params)}"
        client = clients[viewer]
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            sys.exit(f"{path} : HTTP {response.status_code}")
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            timings.setdefault(family, []).append((time.perf_counter() - started) * 1000)
    return timings


def _naive_baseline(requests: list[tuple[str, str, dict[str, Any]]], *, repeat: int) -> list[float]:
    """The text searches again, with the view's search swapped for icontains."""
    from pairs.members import search, selectors

    text_requests = [(f, v, p) for f, v, p in requests if f == "texte"]
    indexed = selectors.search_filter
    selectors.search_filter = search.naive_search_filter  # type: ignore[assignment]
    try:
        return _measure(text_requests, repeat=repeat)["texte"]
    finally:
        selectors.search_filter = indexed


def _results_path(vendor: str) -> Path:
    return BENCH_DIR / f"search_members-{vendor}.json"


def run(*, members: int, seed: int, repeat: int) -> dict[str, Any]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{SQLITE_PATH}"
    else:
        _postgres_database_create(database_url)
    _setup_django(database_url)
    from django.db import connection

    vendor = connection.vendor
    print(f"=== Banc d'essai de la recherche de membres : {vendor} ===", flush=True)
    build = _database_build(members=members, seed=seed)
    requests = _requests(seed=seed)
    # The machine may be shared: the load average during the run says how far to trust it.
    load_before = os.getloadavg()[0]
    timings = _measure(requests, repeat=repeat)
    every = [value for values in timings.values() for value in values]
    families = {family: _summary(values) for family, values in timings.items()}
    families["ensemble"] = _summary(every)
    families["référence icontains (texte)"] = _summary(_naive_baseline(requests, repeat=repeat))
    from pairs.members.models import Member

    load = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    result = {
        "vendor": vendor,
        "members": Member.objects.count(),
        "build": build,
        "families": families,
        "load": load,
    }
    _results_path(vendor).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def report(results: list[dict[str, Any]]) -> bool:
    """Print the families side by side; True when every overall p95 is under the target."""
    if not results:
        print("Aucun résultat : lancez d'abord le banc d'essai.")
        return False
    families: list[str] = []
    for result in results:
        families += [name for name in result["families"] if name not in families]
    header = ["Famille de requêtes"] + [
        f"{r['vendor']} ({r['members']:,} membres) p50 / p95 / max ms".replace(",", "\u202f") for r in results
    ]
    rows = [header]
    for name in families:
        row = [name]
        for result in results:
            stats = result["families"].get(name)
            row.append(
                "—"
                if stats is None
                else f"n={stats['n']:>3}  {stats['p50']:7.1f} / {stats['p95']:7.1f} / {stats['max']:7.1f}"
            )
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print()
    for position, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if position == 0:
            print("  ".join("-" * width for width in widths))
    ok = True
    print()
    for result in results:
        p95 = result["families"]["ensemble"]["p95"]
        verdict = "OK" if p95 < TARGET_P95_MS else "AU-DESSUS DE L'OBJECTIF"
        ok = ok and p95 < TARGET_P95_MS
        print(f"{result['vendor']} : p95 global {p95:.1f} ms (objectif < {TARGET_P95_MS:.0f} ms) — {verdict}")
        load = result.get("load")
        if load:
            print(
                f"  charge de la machine (load average 1 min) : {load['before']} au début, "
                f"{load['after']} à la fin, pour {load['cpus']} cœurs"
            )
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument(
        "--report", action="store_true", help="afficher côte à côte les résultats enregistrés"
    )
    args = parser.parse_args(argv)
    if args.report:
        paths = [_results_path(vendor) for vendor in ("sqlite", "postgresql")]
        results = [json.loads(path.read_text()) for path in paths if path.exists()]
        report(results)  # a benchmark reports; the verdict is printed, not an exit code
        return 0
    result = run(members=args.members, seed=args.seed, repeat=args.repeat)
    report([result])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
