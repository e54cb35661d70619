"""Demo data of the peer-coffee programme: opt-ins and two past monthly rounds with answers.

``demo_coffee_seed`` is called by ``pairs.core.demo`` after members, consents, accounts and
rencontres exist. About ``OPT_IN_SHARE`` of the members who can take part (consent (a), an
active account, a delegation or visio) opt in — the demo member always, when they consent —
then two rounds run with the real pairing (``coffee_round_run`` without emails: bulk writes)
two months and one month ago, and part of the participants answer. Deterministic for a given
``rng`` and ``now``; idempotent: nothing is added once any opt-in exists.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent

from .models import CoffeeOptIn, CoffeeParticipant, CoffeeRound, Frequency, Outcome
from .selectors import coffee_pools
from .services import coffee_round_run

OPT_IN_SHARE = 0.2
# Seconds per round: the demo has many pools, and a near-optimal pairing is plenty for it.
DEMO_TIME_BUDGET = 2.0
DEMO_MEMBER_EMAIL_PREFIX = "membre@demo."
# (met, not met) shares of answers, for the older and the latest round.
ANSWER_RATES = ((0.55, 0.2), (0.35, 0.1))


def demo_coffee_seed(*, rng: random.Random, now: datetime) -> dict[str, int]:
    if CoffeeOptIn.objects.exists():
        return {"inscrit·es": 0, "tours": 0, "binômes": 0, "réponses": 0}
    candidates = list(
        members_with_consent(kind=ConsentKind.RECOMMENDATIONS)
        .filter(user__is_active=True, erasure__isnull=True)
        .filter(Q(delegation__isnull=False) | Q(prefers_video=True))
        .order_by("pk")
        .values_list("pk", "email")
    )
    demo_member = {pk for pk, email in candidates if email.startswith(DEMO_MEMBER_EMAIL_PREFIX)}
    chosen = [pk for pk, _email in candidates if pk in demo_member or rng.random() < OPT_IN_SHARE]
    joined = now - timedelta(days=95)
    frequencies = [Frequency.MONTHLY] * 16 + [Frequency.BIMONTHLY] * 3 + [Frequency.QUARTERLY]
    with transaction.atomic():
        CoffeeOptIn.objects.bulk_create(
            [
                # The demo member takes part every month, so their page shows both rounds.
                CoffeeOptIn(
                    member_id=pk,
                    frequency=Frequency.MONTHLY if pk in demo_member else rng.choice(frequencies),
                    share_email=pk in demo_member or rng.random() < 0.5,
                    joined_at=joined,
                )
                for pk in chosen
            ],
            batch_size=2000,
        )
    rounds: list[CoffeeRound] = []
    for months_ago in (2, 1):
        when = now - timedelta(days=30 * months_ago)
        for pool in coffee_pools():
            with transaction.atomic():
                rounds.append(
                    coffee_round_run(
                        delegation=pool, now=when, send_emails=False, time_budget=DEMO_TIME_BUDGET
                    )
                )
    answers = 0
    for coffee_round in rounds:
        latest = coffee_round.started_at >= now - timedelta(days=45)
        met, not_met = ANSWER_RATES[1 if latest else 0]
        changed = []
        for participant in CoffeeParticipant.objects.filter(pairing__round=coffee_round).order_by("pk"):
            draw = rng.random()
            if latest and participant.member_id in demo_member:
                continue  # the demo member still has the answer buttons to try
            if draw < met + not_met:
                participant.outcome = Outcome.MET if draw < met else Outcome.NOT_MET
                participant.outcome_at = coffee_round.started_at + timedelta(days=rng.randint(5, 25))
                changed.append(participant)
        CoffeeParticipant.objects.bulk_update(changed, ["outcome", "outcome_at"], batch_size=2000)
        answers += len(changed)
    return {
        "inscrit·es": len(chosen),
        "tours": len(rounds),
        "binômes": sum(r.pair_count + r.trio_count for r in rounds),
        "réponses": answers,
    }


__all__ = ["demo_coffee_seed"]
