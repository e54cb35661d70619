#!/usr/bin/env python3
"""Benchmark of the experiment dashboard (issue 8) on 100,000 members and two years of history.

    python3 scripts/with_postgres.py -- .venv/bin/python bench/dashboard.py     # PostgreSQL (the target)
    .venv/bin/python bench/dashboard.py                                         # SQLite, var/bench/dashboard.sqlite3

The data is written straight into the tables with bulk inserts (not the web demo seeder):
12 delegations (7 in the experiment), 100,000 members (70 % consenting to statistics),
two rencontres per delegation and weekday over two years, their invitations, registrations,
attendance, feedback, connections and 3/6-month surveys. Then the fill job computes every day
(``insights_fill_range``), and each dashboard page is requested through Django's test Client
(whole request: view, SQL, template), 1 warm-up and ``--repeat`` timed requests per page,
cycling through filter variants. Finally the fill of one day is timed: a day never filled
(first run), the same day again (re-run, checked identical), and a busy day of the history.
Target: every page p95 <= 300 ms on PostgreSQL; the fill of a day in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "dashboard.sqlite3"
MEMBERS = 100_000
DAYS = 730
SEED = 8
REPEAT = 30
TARGET_P95_MS = 300.0
DELEGATIONS = 12
IN_EXPERIMENT = 7


def _postgres_database_create(database_url: str) -> None:
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

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _say(text: str) -> None:
    print(text, flush=True)


def _build(*, members: int, days: int, seed: int, today: date) -> dict[str, Any]:
    """Write the history with bulk inserts; returns the accounts used by the timed requests."""
    from django.utils import timezone

    from pairs.accounts.models import Role, User
    from pairs.feedback.models import Connection, Feedback, OutcomeResult, OutcomeSurvey
    from pairs.meetings.models import (
        Attendance,
        Format,
        Invitation,
        Mode,
        Registration,
        RegistrationStatus,
        Rencontre,
        Status,
        Visibility,
    )
    from pairs.members.models import Member, Phase, Situation, Topic
    from pairs.network.models import Consultant, Delegation
    from pairs.privacy.models import ConsentKind, ConsentRecord, ConsentSource, ConsentWording

    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    tz = timezone.get_current_timezone()
    started = time.perf_counter()
    delegations = Delegation.objects.bulk_create(
        [
            Delegation(
                code=f"bench-{i:02d}", name=f"Apec délégation {i:02d}", in_experiment=i < IN_EXPERIMENT
            )
            for i in range(DELEGATIONS)
        ]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"conseil{d}-{k}@bench.fr", role=Role.DELEGATION_LEAD if k == 0 else Role.CONSULTANT)
            for d in range(DELEGATIONS)
            for k in range(4)
        ]
        + [User(email="national@bench.fr", role=Role.NATIONAL)]
    )
    consultants = Consultant.objects.bulk_create(
        [Consultant(user=user, delegation=delegations[i // 4]) for i, user in enumerate(users[:-1])]
    )
    situations, phases = Situation.values, Phase.values
    people = Member.objects.bulk_create(
        (
            Member(
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                email=f"membre{i}@bench.fr",
                situation=rng.choices(situations, weights=(3, 5, 2, 1))[0],
                phase=rng.choice(phases),
                delegation=delegations[i % DELEGATIONS],
            )
            for i in range(members)
        ),
        batch_size=5000,
    )
    wording, _ = ConsentWording.objects.get_or_create(
        kind=ConsentKind.STATISTICS, version="bench", defaults={"text": "Statistiques anonymisées."}
    )
    origin = datetime.combine(today - timedelta(days=days + 30), datetime.min.time(), tzinfo=tz)
    records = []
    for member in people:
        roll = rng.random()
        if roll < 0.75:
            records.append(
                ConsentRecord(
                    member=member,
                    kind=ConsentKind.STATISTICS,
                    granted=True,
                    wording=wording,
                    recorded_at=origin,
                    source=ConsentSource.PROFILE,
                )
            )
        if roll < 0.05:  # withdrawn later
            records.append(
                ConsentRecord(
                    member=member,
                    kind=ConsentKind.STATISTICS,
                    granted=False,
                    wording=wording,
                    recorded_at=origin + timedelta(days=10),
                    source=ConsentSource.PROFILE,
                )
            )
    ConsentRecord.objects.bulk_create(records, batch_size=5000)
    _say(f"  membres et consentements : {time.perf_counter() - started:.1f} s")

    by_delegation: dict[int, list[int]] = {}
    for member in people:
        by_delegation.setdefault(member.delegation_id, []).append(member.pk)
    consultants_of: dict[int, list[Consultant]] = {}
    for consultant in consultants:
        consultants_of.setdefault(consultant.delegation_id, []).append(consultant)
    topics = list(Topic.objects.values_list("slug", flat=True))
    formats = Format.values
    first_day = today - timedelta(days=days)
    rencontres: list[Rencontre] = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for delegation in delegations:
            for _n in range(rng.choice((1, 2, 2, 3))):
                hour = rng.choice((9, 12, 14, 18))
                starts = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=hour)
                rencontres.append(
                    Rencontre(
                        title=f"Rencontre {day:%d/%m/%Y} {hour} h",
                        description="Banc d'essai.",
                        format=rng.choice(formats),
                        mode=Mode.IN_PERSON,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        capacity_max=30,
                        delegation=delegation,
                        organiser=rng.choice(consultants_of[delegation.pk]),
                        visibility=Visibility.DELEGATION,
                        status=Status.PUBLISHED if rng.random() < 0.93 else Status.CANCELLED,
                    )
                )
    rencontres = Rencontre.objects.bulk_create(rencontres, batch_size=2000)
    through = Rencontre.topics.through
    through.objects.bulk_create(
        [
            through(rencontre_id=r.pk, topic_id=slug)
            for r in rencontres
            for slug in rng.sample(topics, rng.randint(1, 3))
        ],
        batch_size=5000,
    )
    _say(f"  {len(rencontres):,} rencontres : {time.perf_counter() - started:.1f} s".replace(",", "\u202f"))

    invitations: list[Invitation] = []
    registrations: list[Registration] = []
    for rencontre in rencontres:
        pool = by_delegation[rencontre.delegation_id]
        guests = rng.sample(pool, rng.randint(6, 22))
        for position, member_id in enumerate(guests, start=1):
            if rng.random() < 0.75:
                invitations.append(
                    Invitation(rencontre_id=rencontre.pk, member_id=member_id, created_at=rencontre.starts_at)
                )
            if rng.random() < 0.6:
                walk_in = rng.random() < 0.05
                status = (
                    RegistrationStatus.REGISTERED
                    if walk_in
                    else rng.choices(
                        [
                            RegistrationStatus.REGISTERED,
                            RegistrationStatus.WAITLISTED,
                            RegistrationStatus.CANCELLED,
                        ],
                        weights=(85, 5, 10),
                    )[0]
                )
                attendance = Attendance.PRESENT if walk_in else Attendance.UNKNOWN
                if status == RegistrationStatus.REGISTERED and not walk_in:
                    attendance = rng.choices(
                        [Attendance.PRESENT, Attendance.ABSENT, Attendance.UNKNOWN], weights=(78, 17, 5)
                    )[0]
                registrations.append(
                    Registration(
                        rencontre_id=rencontre.pk,
                        member_id=member_id,
                        status=status,
                        position=position,
                        attendance=attendance,
                        walk_in=walk_in,
                    )
                )
    Invitation.objects.bulk_create(invitations, batch_size=5000)
    registrations = Registration.objects.bulk_create(registrations, batch_size=5000)
    _say(
        f"  {len(invitations):,} invitations, {len(registrations):,} inscriptions : "
        f"{time.perf_counter() - started:.1f} s".replace(",", "\u202f")
    )

    starts_of = {r.pk: r.starts_at for r in rencontres if r.status == Status.PUBLISHED}
    feedback: list[Feedback] = []
    present_by_rencontre: dict[int, list[int]] = {}
    for registration in registrations:
        if registration.attendance != Attendance.PRESENT or registration.rencontre_id not in starts_of:
            continue
        present_by_rencontre.setdefault(registration.rencontre_id, []).append(registration.member_id)
        if rng.random() < 0.55:
            at = starts_of[registration.rencontre_id] + timedelta(days=1)
            feedback.append(
                Feedback(
                    registration_id=registration.pk,
                    satisfaction=rng.choices(range(1, 6), weights=(1, 2, 5, 9, 7))[0],
                    usefulness=rng.choices(range(1, 6), weights=(1, 3, 6, 8, 5))[0],
                    nps=rng.choices(range(11), weights=(1, 1, 1, 1, 1, 2, 3, 6, 8, 7, 6))[0],
                    submitted_at=at,
                    updated_at=at,
                )
            )
    Feedback.objects.bulk_create(feedback, batch_size=5000)
    pairs: set[tuple[int, int]] = set()
    connections: list[Connection] = []
    first_rencontre: dict[int, int] = {}
    for rencontre_id in sorted(present_by_rencontre, key=lambda pk: starts_of[pk]):
        present = present_by_rencontre[rencontre_id]
        for member_id in present:
            first_rencontre.setdefault(member_id, rencontre_id)
        for _n in range(len(present) // 3):
            a, b = sorted(rng.sample(present, 2)) if len(present) > 1 else (0, 0)
            if a and (a, b) not in pairs:
                pairs.add((a, b))
                connections.append(Connection(member_a_id=a, member_b_id=b, rencontre_id=rencontre_id))
    Connection.objects.bulk_create(connections, batch_size=5000)
    now = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    surveys = []
    for member_id, rencontre_id in first_rencontre.items():
        for wave in (3, 6):
            due = starts_of[rencontre_id] + timedelta(days=30 * wave)
            if due > now:
                continue
            answered = rng.random() < 0.45
            surveys.append(
                OutcomeSurvey(
                    member_id=member_id,
                    wave=wave,
                    first_rencontre_id=rencontre_id,
                    due_at=due,
                    sent_at=due,
                    answered_at=due + timedelta(days=3) if answered else None,
                    result=rng.choices(OutcomeResult.values, weights=(3, 1, 1, 4, 1))[0] if answered else "",
                )
            )
    OutcomeSurvey.objects.bulk_create(surveys, batch_size=5000)
    _say(
        f"  {len(feedback):,} avis, {len(connections):,} mises en relation, {len(surveys):,} enquêtes : "
        f"{time.perf_counter() - started:.1f} s".replace(",", "\u202f")
    )
    lead = next(c for c in consultants if c.user.role == Role.DELEGATION_LEAD)
    busiest = max(
        (c for c in consultants if c.user.role == Role.CONSULTANT),
        key=lambda c: sum(1 for r in rencontres if r.organiser_id == c.pk),
    )
    return {
        "build_s": time.perf_counter() - started,
        "national": users[-1],
        "lead": lead.user,
        "lead_delegation": lead.delegation.code,
        "consultant": busiest.user,
        "rencontres": len(rencontres),
        "registrations": len(registrations),
        "first_day": first_day,
        "delegations": delegations,
    }


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


def _pages(built: dict[str, Any]) -> list[tuple[str, str, str, list[dict[str, str]]]]:
    """(name, viewer, url, variants of the query string cycled through)."""
    from django.urls import reverse

    code = built["lead_delegation"]
    year = str(date.today().year - 1)
    variants = [
        {},
        {"periode": "24m"},
        {"periode": f"annee-{year}"},
        {"periode": "24m", "format": "cercle"},
        {"periode": "12m", "situation": "job_seeker"},
        {"periode": "24m", "situation": "employed", "etape": "transition"},
    ]
    national_variants = [*variants, {"periode": "24m", "delegation": code}]
    return [
        ("national", "national", reverse("insights:national"), national_variants),
        ("national (htmx)", "national", reverse("insights:national"), national_variants),
        (
            "délégation (responsable)",
            "lead",
            reverse("insights:delegation", kwargs={"delegation_code": code}),
            variants,
        ),
        ("mes rencontres (consultant·e)", "consultant", reverse("insights:own"), [{}, {"periode": "24m"}]),
        ("vagues", "national", reverse("insights:waves"), [{}]),
        (
            "export XLSX (par délégation)",
            "national",
            reverse("insights:national_export"),
            [{"periode": "24m", "tableau": "delegations", "format": "xlsx"}],
        ),
    ]


def _measure(built: dict[str, Any], *, repeat: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    clients = {}
    for viewer in ("national", "lead", "consultant"):
        client = Client()
        client.force_login(built[viewer])
        clients[viewer] = client
    results = {}
    for name, viewer, url, variants in _pages(built):
        client = clients[viewer]
        headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in name else {}
        for params in variants:  # warm-up, and every variant must answer
            response = client.get(url, params, **headers)
            if response.status_code != 200:
                sys.exit(f"{url} {params}: HTTP {response.status_code}")
        timings = []
        for position in range(repeat):
            params = variants[position % len(variants)]
            started = time.perf_counter()
            client.get(url, params, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = _summary(timings)
    return results


def run(*, members: int, days: int, seed: int, repeat: int) -> dict[str, Any]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        if SQLITE_PATH.exists():
            SQLITE_PATH.unlink()  # built afresh each run: the history is dated from today
        database_url = f"sqlite:///{SQLITE_PATH}"
    else:
        _postgres_database_create(database_url)
    _setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pairs.insights.models import DailyFact, ExperimentWave, MonthlyFact, TopicFact
    from pairs.insights.selectors import insights_rows_for_day
    from pairs.insights.services import experiment_wave_save, insights_fill, insights_fill_range

    vendor = connection.vendor
    _say(f"=== Banc d'essai du tableau de bord : {vendor} ===")
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    _say(f"Construction : {members:,} membres, {days} jours d'historique…".replace(",", "\u202f"))
    built = _build(members=members, days=days, seed=seed, today=today)
    yesterday = today - timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    _say("Calcul des statistiques (tout l'historique sauf la veille)…")
    started = time.perf_counter()
    filled = insights_fill_range(start=built["first_day"], until=yesterday - timedelta(days=1))
    fill_all_s = time.perf_counter() - started
    _say(f"  {filled.days_filled} jours, {filled.rows:,} lignes en {fill_all_s:.1f} s".replace(",", "\u202f"))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    sizes = {
        "DailyFact": DailyFact.objects.count(),
        "MonthlyFact": MonthlyFact.objects.count(),
        "TopicFact": TopicFact.objects.count(),
    }
    # The fill of one day: never filled (first run), again (re-run), a busy day of the history.
    fills: dict[str, float] = {}
    last_weekday = yesterday
    while last_weekday.weekday() >= 5:
        last_weekday -= timedelta(days=1)
    if last_weekday != yesterday:  # make sure the "first run" day is one never filled
        DailyFact.objects.filter(day=last_weekday).delete()
        TopicFact.objects.filter(day=last_weekday).delete()
    started = time.perf_counter()
    first = insights_fill(day=last_weekday)
    fills["premier calcul d'un jour"] = time.perf_counter() - started
    rows_first = insights_rows_for_day(day=last_weekday)
    started = time.perf_counter()
    insights_fill(day=last_weekday)
    fills["nouveau calcul du même jour"] = time.perf_counter() - started
    identical = insights_rows_for_day(day=last_weekday) == rows_first
    busy = today - timedelta(days=200)
    while busy.weekday() >= 5:
        busy -= timedelta(days=1)
    started = time.perf_counter()
    insights_fill(day=busy)
    fills["nouveau calcul d'un jour d'il y a 200 jours"] = time.perf_counter() - started
    started = time.perf_counter()
    rerun = insights_fill_range()
    fills[f"reprise périodique ({rerun.days_filled} jours non définitifs)"] = time.perf_counter() - started
    delegations = built["delegations"]
    for number, (start_offset, length) in enumerate(((700, 180), (500, 180), (300, 240)), start=1):
        experiment_wave_save(
            name=f"Vague {number}",
            starts_on=today - timedelta(days=start_offset),
            ends_on=today - timedelta(days=start_offset - length),
            delegations=delegations[: 3 + 2 * number],
        )
    assert ExperimentWave.objects.count() == 3
    pages = _measure(built, repeat=repeat)
    result = {
        "vendor": vendor,
        "members": members,
        "days": days,
        "rencontres": built["rencontres"],
        "registrations": built["registrations"],
        "build_s": built["build_s"],
        "fill_all_s": fill_all_s,
        "fill_rows_day": first.rows,
        "identical_after_rerun": identical,
        "sizes": sizes,
        "fills_s": fills,
        "pages": pages,
    }
    (BENCH_DIR).mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"dashboard-{vendor}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def report(result: dict[str, Any]) -> None:
    n = lambda value: f"{value:,}".replace(",", "\u202f")  # noqa: E731
    _say("")
    _say(
        f"{result['vendor']} : {n(result['members'])} membres, {result['days']} jours, "
        f"{n(result['rencontres'])} rencontres, {n(result['registrations'])} inscriptions "
        f"(construction {result['build_s']:.0f} s)"
    )
    _say(
        "Tables : "
        + ", ".join(f"{name} {n(count)} lignes" for name, count in result["sizes"].items())
        + f" ; calcul initial {result['fill_all_s']:.0f} s"
    )
    _say("")
    header = ("Page", "n", "p50 ms", "p95 ms", "max ms", "objectif p95 <= 300 ms")
    rows = [header]
    for name, stats in result["pages"].items():
        verdict = "OK" if stats["p95"] <= TARGET_P95_MS else "AU-DESSUS"
        rows.append(
            (
                name,
                str(stats["n"]),
                f"{stats['p50']:.1f}",
                f"{stats['p95']:.1f}",
                f"{stats['max']:.1f}",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for position, row in enumerate(rows):
        _say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if position == 0:
            _say("  ".join("-" * width for width in widths))
    _say("")
    _say(f"Calcul d'un jour ({n(result['fill_rows_day'])} lignes de faits) :")
    for name, seconds in result["fills_s"].items():
        _say(f"  {name} : {seconds * 1000:.0f} ms")
    _say(
        f"  tables identiques après le nouveau calcul : {'oui' if result['identical_after_rerun'] else 'NON'}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    report(run(members=args.members, days=args.days, seed=args.seed, repeat=args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
