"""Demo history after the rencontres: feedback, wishes, connections, outcome surveys.

``demo_feedback_seed`` reads only the database — past published rencontres and
their checked-in attendees — and writes rows in bulk, without services and
without emails. What it writes follows the same rules as the services:
feedback only from people present, given after the rencontre ended; wishes only
between people present at the same rencontre; a connection only for mutual
wishes between two members who both consent to share their details (b);
outcome surveys at 3 and 6 months after each member's first attended
rencontre, sent when due, answered by some, with some profile changes
confirmed (and applied to the profile, as the member's confirmation would).

The demo member (``membre@demo…``) gives no feedback, so that the form can be
tried; they do tick people, and one of them ticks back.

Deterministic for a given ``rng`` and ``now``; idempotent: nothing is added when
feedback already exists.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction

from pairs.meetings.models import Attendance, Registration, RegistrationStatus, Status
from pairs.members.models import Member, Situation
from pairs.members.search import member_search_index_rebuild
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .models import Connection, ContactWish, Feedback, OutcomeResult, OutcomeSurvey, SharedDetails
from .services import OUTCOME_WAVES, add_months, outcome_proposal

ANSWER_RATE = 0.65
TAKEAWAY_RATE = 0.5
WISHES = ((0, 0.35), (1, 0.3), (2, 0.2), (3, 0.15))
RECIPROCITY = 0.45
SURVEY_ANSWER_RATE = 0.55
CONFIRM_RATE = 0.6
CHUNK = 1000

TAKEAWAYS = (
    "Je ne suis pas seul·e à vivre cette transition : ça change tout.",
    "Des pistes concrètes pour préparer mes entretiens.",
    "Le témoignage d'une personne passée par la même reconversion m'a beaucoup aidé·e.",
    "J'ai compris comment présenter mon projet en deux minutes.",
    "Un carnet d'adresses qui s'agrandit, et de l'énergie pour la suite.",
    "Le format était un peu court pour tout se dire.",
    "Des échanges francs sur la négociation salariale.",
    "J'ai découvert des métiers auxquels je ne pensais pas.",
    "Prendre du recul sur mon parcours avec des personnes bienveillantes.",
    "Trop de monde pour vraiment échanger, mais de belles rencontres.",
    "L'idée d'un cercle qui se retrouve chaque mois me plaît.",
    "Des conseils utiles pour le réseau LinkedIn.",
)
OUTCOMES_3 = (
    (OutcomeResult.NEW_JOB, 0.22),
    (OutcomeResult.TRAINING, 0.12),
    (OutcomeResult.COMPANY, 0.05),
    (OutcomeResult.SEARCHING, 0.53),
    (OutcomeResult.OTHER, 0.08),
)
OUTCOMES_6 = (
    (OutcomeResult.NEW_JOB, 0.36),
    (OutcomeResult.TRAINING, 0.1),
    (OutcomeResult.COMPANY, 0.07),
    (OutcomeResult.SEARCHING, 0.4),
    (OutcomeResult.OTHER, 0.07),
)


def _pick(rng: random.Random, weights: tuple[tuple[object, float], ...]) -> object:
    values, probabilities = zip(*weights, strict=True)
    return rng.choices(values, weights=probabilities)[0]


def _grade(rng: random.Random, mean: float, spread: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.gauss(mean, spread))))


def _yes_no(rng: random.Random, yes: float, unsure: float = 0.08) -> bool | None:
    draw = rng.random()
    if draw < unsure:
        return None
    return draw < unsure + yes * (1 - unsure)


def _consenting(kind: str, ids: set[int]) -> set[int]:
    ordered = sorted(ids)
    found: set[int] = set()
    for start in range(0, len(ordered), CHUNK):
        found.update(
            members_with_consent(kind=kind)
            .filter(pk__in=ordered[start : start + CHUNK])
            .values_list("pk", flat=True)
        )
    return found


@transaction.atomic
def demo_feedback_seed(*, rng: random.Random, now: datetime) -> dict[str, int]:
    """Add feedback, wishes, connections and outcome surveys to the demo's past rencontres."""
    from pairs.core.demo import DEMO_MEMBER_EMAIL  # imported here: pairs.core.demo imports this module

    created = {
        "feedback": 0,
        "contact_wishes": 0,
        "connections": 0,
        "shared_details": 0,
        "outcome_surveys": 0,
        "outcomes_answered": 0,
        "profile_changes": 0,
    }
    if Feedback.objects.exists() or OutcomeSurvey.objects.exists():
        return created
    demo_member_id = Member.objects.filter(email=DEMO_MEMBER_EMAIL).values_list("pk", flat=True).first()
    rows = list(
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.PRESENT,
            rencontre__status=Status.PUBLISHED,
            rencontre__ends_at__lte=now,
            member__erasure__isnull=True,
        )
        .order_by("rencontre__ends_at", "rencontre_id", "pk")
        .values_list("pk", "rencontre_id", "member_id", "rencontre__ends_at")
    )
    by_rencontre: dict[int, list[tuple[int, int, datetime]]] = defaultdict(list)
    for registration_id, rencontre_id, member_id, ends_at in rows:
        by_rencontre[rencontre_id].append((registration_id, member_id, ends_at))

    # --- Feedback: each rencontre has its own quality, people answer around it.
    feedback: list[Feedback] = []
    for people in by_rencontre.values():
        quality = max(2.2, min(4.8, rng.gauss(3.9, 0.55)))
        for registration_id, member_id, ends_at in people:
            submitted = ends_at + timedelta(hours=rng.uniform(1, 96))
            if member_id == demo_member_id or submitted > now or rng.random() > ANSWER_RATE:
                continue
            feedback.append(
                Feedback(
                    registration_id=registration_id,
                    satisfaction=_grade(rng, quality, 0.8, 1, 5),
                    usefulness=_grade(rng, quality - 0.2, 0.9, 1, 5),
                    nps=_grade(rng, quality * 2, 1.8, 0, 10),
                    format_suited=_yes_no(rng, 0.85),
                    would_come_again=_yes_no(rng, 0.8),
                    takeaway=rng.choice(TAKEAWAYS) if rng.random() < TAKEAWAY_RATE else "",
                    submitted_at=submitted,
                    updated_at=submitted,
                )
            )
    Feedback.objects.bulk_create(feedback, batch_size=2000)
    created["feedback"] = len(feedback)

    # --- Wishes: a few ticks each, some returned; the demo member's first tick is returned.
    wishes: set[tuple[int, int, int]] = set()
    for rencontre_id, people in by_rencontre.items():
        members = [member_id for _r, member_id, _e in people]
        for member_id in members:
            others = [m for m in members if m != member_id]
            count = 2 if member_id == demo_member_id else int(_pick(rng, WISHES))  # type: ignore[call-overload]
            for position, other in enumerate(rng.sample(others, min(count, len(others)))):
                wishes.add((rencontre_id, member_id, other))
                returned = member_id == demo_member_id and position == 0
                if returned or rng.random() < RECIPROCITY:
                    wishes.add((rencontre_id, other, member_id))
    ContactWish.objects.bulk_create(
        [ContactWish(rencontre_id=r, from_member_id=a, to_member_id=b) for r, a, b in sorted(wishes)],
        batch_size=2000,
    )
    created["contact_wishes"] = len(wishes)

    # --- Connections: mutual wishes between two members who both consent (b).
    sharing = _consenting(ConsentKind.CONTACT_SHARING, {m for _r, a, b in wishes for m in (a, b)})
    pairs: dict[tuple[int, int], int] = {}
    for rencontre_id, a, b in sorted(wishes):
        if a < b and (rencontre_id, b, a) in wishes and a in sharing and b in sharing:
            pairs.setdefault((a, b), rencontre_id)
    Connection.objects.bulk_create(
        [Connection(member_a_id=a, member_b_id=b, rencontre_id=r) for (a, b), r in pairs.items()],
        batch_size=2000,
    )
    created["connections"] = len(pairs)
    connected = sorted({m for pair in pairs for m in pair})
    details = [
        SharedDetails(
            member_id=member_id,
            email=rng.random() < 0.9,
            phone=rng.random() < 0.4,
            linkedin=rng.random() < 0.6,
        )
        for member_id in connected
    ]
    SharedDetails.objects.bulk_create(details, batch_size=2000, ignore_conflicts=True)
    created["shared_details"] = len(details)

    # --- Outcome surveys, 3 and 6 months after each member's first attended rencontre.
    first: dict[int, tuple[int, datetime]] = {}
    for _registration_id, rencontre_id, member_id, ends_at in rows:
        first.setdefault(member_id, (rencontre_id, ends_at))
    profiles: dict[int, Member] = {}
    ids = sorted(first)
    for start in range(0, len(ids), CHUNK):
        for member in Member.objects.filter(pk__in=ids[start : start + CHUNK]).only(
            "pk", "situation", "phase"
        ):
            profiles[member.pk] = member
    surveys: list[OutcomeSurvey] = []
    changed: dict[int, Member] = {}
    for member_id, (rencontre_id, ends_at) in sorted(first.items()):
        member = profiles.get(member_id)
        if member is None or member.situation == Situation.RECRUITER:
            continue
        for wave in OUTCOME_WAVES:
            survey = OutcomeSurvey(
                member_id=member_id,
                wave=wave,
                first_rencontre_id=rencontre_id,
                due_at=add_months(ends_at, int(wave)),
            )
            surveys.append(survey)
            sent = survey.due_at + timedelta(hours=rng.uniform(0, 20))
            if sent > now:
                continue  # scheduled, not sent yet
            survey.sent_at = sent
            answered = sent + timedelta(days=rng.uniform(0, 10))
            if answered > now or member_id == demo_member_id or rng.random() > SURVEY_ANSWER_RATE:
                continue
            survey.answered_at = answered
            survey.result = str(
                _pick(rng, OUTCOMES_3 if wave == OutcomeSurvey.Wave.THREE_MONTHS else OUTCOMES_6)
            )
            survey.network_helped = _yes_no(rng, 0.7)
            survey.would_help_others = _yes_no(rng, 0.85)
            survey.proposed_phase, survey.proposed_situation = outcome_proposal(
                member=member, result=survey.result
            )
            created["outcomes_answered"] += 1
            if (survey.proposed_phase or survey.proposed_situation) and rng.random() < CONFIRM_RATE:
                survey.change_confirmed_at = answered
                member.phase = survey.proposed_phase or member.phase
                member.situation = survey.proposed_situation or member.situation
                changed[member_id] = member
    OutcomeSurvey.objects.bulk_create(surveys, batch_size=2000)
    created["outcome_surveys"] = len(surveys)
    if changed:
        Member.objects.bulk_update(list(changed.values()), ["phase", "situation"], batch_size=1000)
        member_search_index_rebuild(member_ids=list(changed))
    created["profile_changes"] = len(changed)
    return created
