"""Writes of the recommendations: weights versions, batches of suggestions, dismissals.

A batch reads one delegation's members, hands them to the engine as plain
profiles, and replaces those members' stored suggestions in one transaction:
a reader sees the old list or the new one, never half of each. One task per
delegation lets any number of ``db_worker`` processes share the national batch.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pairs.accounts.models import User
from pairs.meetings.models import Attendance, Registration, RegistrationStatus
from pairs.members.models import Member
from pairs.network.models import Delegation
from pairs_engine import matching as engine

from .models import Dismissal, PeerSuggestion, SuggestionBatch, WeightSet
from .translate import CHUNK, engine_profiles, rome_graph

DEFAULT_K = 20
# Nobody is suggested to more than this many members of a delegation's batch.
DEFAULT_EXPOSURE_CAP = 40


# --- Weights ----------------------------------------------------------------------------------


def weights_validate(*, weights: dict[str, Any]) -> engine.Weights:
    try:
        return engine.Weights.from_dict(weights)
    except engine.WeightsError as error:
        raise ValidationError(str(error), code="invalid_weights") from None


@transaction.atomic
def weight_set_create(
    *, weights: dict[str, Any], label: str, created_by: User | None, activate: bool = False
) -> WeightSet:
    """A new version of the weights (validated by the engine: no negative, not all zero)."""
    checked = weights_validate(weights=weights)
    latest = WeightSet.objects.select_for_update().order_by("-version").first()
    weight_set = WeightSet.objects.create(
        version=(latest.version if latest else 0) + 1,
        label=label.strip()[:200] or _("Sans titre"),
        weights=checked.to_dict(),
        created_by=created_by,
    )
    if activate:
        weight_set_activate(weight_set=weight_set)
    return weight_set


@transaction.atomic
def weight_set_activate(*, weight_set: WeightSet) -> WeightSet:
    WeightSet.objects.filter(is_active=True).exclude(pk=weight_set.pk).update(is_active=False)
    WeightSet.objects.filter(pk=weight_set.pk).update(is_active=True)
    weight_set.is_active = True
    return weight_set


def weight_set_active() -> WeightSet:
    """The weights in service; the engine's default preset as version 1 on a fresh install."""
    active = WeightSet.objects.filter(is_active=True).first()
    if active is not None:
        return active
    try:
        return weight_set_create(
            weights=engine.preset("défaut").to_dict(),
            label=_("Préréglage « défaut »"),
            created_by=None,
            activate=True,
        )
    except IntegrityError:  # another process made it first
        return WeightSet.objects.get(is_active=True)


# --- Exclusions -------------------------------------------------------------------------------


def exclusions_for(*, member_ids: list[int]) -> dict[int, set[int]]:
    """Who must never be suggested to whom: dismissed (either way) and already met at a rencontre."""
    excluded: dict[int, set[int]] = defaultdict(set)
    wanted = set(member_ids)
    attended: dict[int, set[int]] = defaultdict(set)
    # In chunks: a delegation can hold more members than some SQLite builds accept
    # query parameters (32,766 by default before 3.32; this machine's allows more).
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start : start + CHUNK]
        dismissals = Dismissal.objects.filter(Q(member_id__in=chunk) | Q(dismissed_id__in=chunk))
        for member_id, dismissed_id in dismissals.values_list("member_id", "dismissed_id"):
            if member_id in wanted:
                excluded[member_id].add(dismissed_id)
            if dismissed_id in wanted:
                excluded[dismissed_id].add(member_id)
        # Met: both present at the same past rencontre.
        rows = Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            attendance=Attendance.PRESENT,
            rencontre_id__in=Registration.objects.filter(
                member_id__in=chunk, attendance=Attendance.PRESENT
            ).values("rencontre_id"),
        ).values_list("rencontre_id", "member_id")
        for rencontre_id, member_id in rows:
            attended[rencontre_id].add(member_id)
    for people in attended.values():
        for member_id in people:
            if member_id in wanted:
                excluded[member_id].update(p for p in people if p != member_id)
    return dict(excluded)


# --- Batches ----------------------------------------------------------------------------------


def _matchable(members: QuerySet[Member]) -> QuerySet[Member]:
    # Only people who can act on a suggestion: an active account, not erased.
    return members.filter(user__is_active=True, erasure__isnull=True)


def _reasons(suggestion: engine.Suggestion) -> list[dict[str, Any]]:
    return [{"code": r.code, "text": r.text, "weight": round(r.weight, 4)} for r in suggestion.reasons]


def _store(*, batch: SuggestionBatch, per_member: dict[int, tuple[engine.Suggestion, ...]]) -> int:
    rows = [
        PeerSuggestion(
            batch=batch,
            member_id=member_id,
            suggested_id=item.id,
            rank=rank,
            score=item.score,
            forward=item.forward,
            backward=item.backward,
            reasons=_reasons(item),
        )
        for member_id, items in per_member.items()
        for rank, item in enumerate(items, start=1)
    ]
    ids = list(per_member)
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            PeerSuggestion.objects.filter(member_id__in=ids[start : start + CHUNK]).delete()
        PeerSuggestion.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def suggestions_compute_delegation(
    *,
    delegation: Delegation,
    weight_set: WeightSet | None = None,
    k: int = DEFAULT_K,
    exposure_cap: int | None = DEFAULT_EXPOSURE_CAP,
) -> SuggestionBatch:
    """The nightly batch of one delegation: top-k people to meet for each of its members."""
    weight_set = weight_set or weight_set_active()
    batch = SuggestionBatch.objects.create(
        kind=SuggestionBatch.Kind.DELEGATION,
        weight_set=weight_set,
        delegation=delegation,
        k=k,
        exposure_cap=exposure_cap,
    )
    started = time.perf_counter()
    try:
        profiles = engine_profiles(_matchable(Member.objects.filter(delegation=delegation)))
        index = engine.build_index(profiles, rome=rome_graph())
        ids = [p.id for p in profiles]
        result = engine.suggest_batch(
            index,
            k=k,
            weights=engine.Weights.from_dict(weight_set.weights),
            exclude=exclusions_for(member_ids=ids),
            exposure_cap=exposure_cap,
        )
        per_member = {member_id: result.suggestions(member_id).items for member_id in ids}
        batch.suggestion_count = _store(batch=batch, per_member=per_member)
        batch.member_count = len(ids)
        batch.coverage = float(result.coverage)
        batch.gini = float(result.gini)
        batch.status = SuggestionBatch.Status.DONE
    except Exception as error:
        batch.status = SuggestionBatch.Status.FAILED
        batch.error = f"{type(error).__name__}: {error}"[:2000]
        raise
    finally:
        batch.finished_at = timezone.now()
        batch.seconds = round(time.perf_counter() - started, 3)
        batch.save()
    return batch


def suggestions_refresh_member(*, member: Member, k: int = DEFAULT_K) -> SuggestionBatch:
    """One member's suggestions again, after a profile change: their delegation as the pool."""
    weight_set = weight_set_active()
    batch = SuggestionBatch.objects.create(
        kind=SuggestionBatch.Kind.MEMBER, weight_set=weight_set, delegation=member.delegation, k=k
    )
    started = time.perf_counter()
    pool = (
        Member.objects.filter(delegation=member.delegation)
        if member.delegation_id
        else Member.objects.filter(departement=member.departement)
    )
    profiles = engine_profiles(_matchable(pool | Member.objects.filter(pk=member.pk)))
    items: tuple[engine.Suggestion, ...] = ()
    if any(p.id == member.pk for p in profiles):
        index = engine.build_index(profiles, rome=rome_graph())
        answer = engine.suggest_people(
            index,
            member_id=member.pk,
            k=k,
            weights=engine.Weights.from_dict(weight_set.weights),
            exclude=exclusions_for(member_ids=[member.pk]).get(member.pk, set()),
        )
        items = answer.items
    batch.suggestion_count = _store(batch=batch, per_member={member.pk: items})
    batch.member_count = 1
    batch.status = SuggestionBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.seconds = round(time.perf_counter() - started, 3)
    batch.save()
    return batch


# --- Dismissals -------------------------------------------------------------------------------


@transaction.atomic
def dismissal_create(*, member: Member, dismissed: Member) -> Dismissal:
    """« Pas intéressé·e » : gone from both lists now, and never suggested again either way."""
    if member.pk == dismissed.pk:
        raise ValidationError(_("On ne peut pas s'écarter soi-même."))
    dismissal, _created = Dismissal.objects.get_or_create(member=member, dismissed=dismissed)
    PeerSuggestion.objects.filter(member=member, suggested=dismissed).delete()
    PeerSuggestion.objects.filter(member=dismissed, suggested=member).delete()
    return dismissal
