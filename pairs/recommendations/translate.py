"""Models ↔ engine types: the only place that knows both the database and ``pairs_engine``.

Profiles are read in bulk (one query per many-to-many, values only) because a
delegation's batch reads tens of thousands of members at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from pairs.meetings.models import Rencontre
from pairs.members.models import Member, Topic
from pairs.privacy.models import ConsentKind
from pairs.privacy.selectors import members_with_consent
from pairs.reference.models import RomeMetier, RomeMobility
from pairs_engine import matching as engine

PARIS = ZoneInfo("Europe/Paris")
CHUNK = 5000


def rome_graph() -> engine.RomeGraph:
    # Job labels so that reasons read « Vise le même métier que vous : Direction de petite ou moyenne entreprise ».
    return engine.RomeGraph(
        mobility=frozenset(RomeMobility.objects.values_list("source_id", "target_id")),
        job_labels=dict(RomeMetier.objects.values_list("code", "label")),
    )


def _topic_labels() -> dict[str, str]:
    # The engine compares topics as strings: their French labels (unique) make its reasons readable.
    return dict(Topic.objects.values_list("slug", "label"))


def _many(through: type, ids: Sequence[int], column: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        rows = through._default_manager.filter(member_id__in=ids[start : start + CHUNK]).values_list(  # type: ignore[attr-defined]
            "member_id", column
        )
        for member_id, value in rows:
            found[member_id].append(value)
    return found


def engine_profiles(members: QuerySet[Member]) -> list[engine.Profile]:
    """Engine profiles of these members; ``recommendable`` is their consent (a)."""
    rows = list(
        members.values_list(
            "pk",
            "situation",
            "phase",
            "departement_id",
            "delegation__code",
            "current_job_id",
            "sector_id",
            "target_sector_id",
            "seeking_text",
            "offering_text",
            "prefers_in_person",
            "prefers_video",
            "availability",
        )
    )
    ids = [row[0] for row in rows]
    consenting: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        consenting.update(
            members_with_consent(kind=ConsentKind.RECOMMENDATIONS)
            .filter(pk__in=ids[start : start + CHUNK])
            .values_list("pk", flat=True)
        )
    targets = _many(Member.target_jobs.through, ids, "romemetier_id")
    labels = _topic_labels()
    sought = {
        pk: [labels.get(t, t) for t in ts]
        for pk, ts in _many(Member.topics_sought.through, ids, "topic_id").items()
    }
    offered = {
        pk: [labels.get(t, t) for t in ts]
        for pk, ts in _many(Member.topics_offered.through, ids, "topic_id").items()
    }
    profiles = []
    for (
        pk,
        situation,
        phase,
        departement,
        delegation,
        job,
        sector,
        target_sector,
        seeking,
        offering,
        in_person,
        video,
        availability,
    ) in rows:
        profiles.append(
            engine.Profile(
                id=pk,
                situation=situation,
                phase=phase,
                departement=departement,
                delegation=delegation,
                current_job=job,
                target_jobs=tuple(sorted(targets.get(pk, ()))),
                sector=sector,
                target_sector=target_sector,
                topics_sought=frozenset(sought.get(pk, ())),
                topics_offered=frozenset(offered.get(pk, ())),
                seeking_text=seeking or "",
                offering_text=offering or "",
                # No preference stated: open to both, as the profile form says.
                in_person=bool(in_person) or not (in_person or video),
                video=bool(video) or not (in_person or video),
                availability=frozenset(availability or ()),
                recommendable=pk in consenting,
            )
        )
    return profiles


def _slot(moment: datetime) -> str | None:
    local = timezone.localtime(moment, PARIS)
    if local.weekday() > 4:
        return None
    day = ("mon", "tue", "wed", "thu", "fri")[local.weekday()]
    part = (
        "morning"
        if local.hour < 12
        else "lunch"
        if local.hour < 14
        else "evening"
        if local.hour >= 17
        else None
    )
    return f"{day}_{part}" if part else None


def engine_rencontres(rencontres: Iterable[Rencontre]) -> list[engine.Rencontre]:
    result = []
    for rencontre in rencontres:
        place = rencontre.place
        result.append(
            engine.Rencontre(
                id=rencontre.pk,
                title=rencontre.title,
                description=rencontre.description,
                topics=frozenset(t.label for t in rencontre.topics.all()),
                target_situations=frozenset(rencontre.target_situations),
                target_phases=frozenset(rencontre.target_phases),
                target_domains=frozenset(d.code for d in rencontre.target_domains.all()),
                mode=rencontre.mode,
                departement=place.departement_id if place is not None else None,
                delegation=rencontre.delegation.code,
                slot=_slot(rencontre.starts_at),
                seats_left=rencontre.seats_left,
            )
        )
    return result
