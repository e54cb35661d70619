"""Writes on members. The delegation always follows from the département."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pairs.accounts.models import User
from pairs.network.selectors import delegation_for_departement
from pairs.reference.models import Departement, NafDivision, RomeMetier

from .models import (
    MAX_TARGET_JOBS,
    ExperienceBand,
    Member,
    Phase,
    Situation,
    Topic,
    phone_normalise,
    validate_availability,
)
from .search import member_search_index_rebuild
from .topics import AVAILABILITY_SLOTS

T = TypeVar("T")


@transaction.atomic
def member_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    situation: Situation,
    phase: Phase,
    departement: Departement | None = None,
    current_job: RomeMetier | None = None,
    sector: NafDivision | None = None,
    user: User | None = None,
) -> Member:
    member = Member(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        situation=situation,
        phase=phase,
        departement=departement,
        delegation=delegation_for_departement(departement_code=departement.code) if departement else None,
        current_job=current_job,
        sector=sector,
        user=user,
    )
    member.full_clean()
    member.save()
    member_search_index_rebuild(member_ids=[member.pk])
    return member


class _Unset:
    """Marks a profile field the caller did not pass: it is left as it is."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

TARGET_JOBS_MESSAGE = _("Vous pouvez indiquer au plus %(limit)d métiers visés (%(count)d sélectionnés).")


def availability_clean(*, availability: object) -> list[str]:
    """The known slot codes without duplicates, in week order; ValidationError names unknown codes."""
    if isinstance(availability, tuple | set | frozenset):
        availability = list(availability)
    validate_availability(availability)
    chosen = set(availability)  # type: ignore[arg-type]
    return [code for code in AVAILABILITY_SLOTS if code in chosen]


@transaction.atomic
def member_update_profile(
    *,
    member: Member,
    first_name: str = UNSET,
    last_name: str = UNSET,
    situation: Situation = UNSET,
    phase: Phase = UNSET,
    departement: Departement | None = UNSET,
    current_job: RomeMetier | None = UNSET,
    sector: NafDivision | None = UNSET,
    target_jobs: Iterable[RomeMetier] = UNSET,
    target_sector: NafDivision | None = UNSET,
    experience_band: ExperienceBand | str = UNSET,
    topics_sought: Iterable[Topic] = UNSET,
    topics_offered: Iterable[Topic] = UNSET,
    seeking_text: str = UNSET,
    offering_text: str = UNSET,
    prefers_in_person: bool = UNSET,
    prefers_video: bool = UNSET,
    availability: Iterable[str] = UNSET,
    phone: str = UNSET,
    linkedin_url: str = UNSET,
) -> Member:
    """Update the given profile fields only; all errors are raised together, keyed by field, and
    nothing is stored when one field is wrong. The delegation follows the département."""
    errors: dict[str, list[ValidationError]] = {}
    scalars: dict[str, object] = {}

    for name, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("seeking_text", seeking_text),
        ("offering_text", offering_text),
        ("linkedin_url", linkedin_url),
    ):
        if value is not UNSET:
            scalars[name] = (value or "").strip()
    for name, value in (
        ("situation", situation),
        ("phase", phase),
        ("current_job", current_job),
        ("sector", sector),
        ("target_sector", target_sector),
        ("experience_band", experience_band),
        ("prefers_in_person", prefers_in_person),
        ("prefers_video", prefers_video),
    ):
        if value is not UNSET:
            scalars[name] = value if name != "experience_band" else (value or "")
    if departement is not UNSET:
        scalars["departement"] = departement
        scalars["delegation"] = (
            delegation_for_departement(departement_code=departement.code) if departement else None
        )
    if phone is not UNSET:
        try:
            scalars["phone"] = phone_normalise(phone)
        except ValidationError as error:
            errors.setdefault("phone", []).append(error)
    if availability is not UNSET:
        try:
            scalars["availability"] = availability_clean(availability=availability)
        except ValidationError as error:
            errors.setdefault("availability", []).append(error)

    jobs = _distinct(target_jobs) if target_jobs is not UNSET else None
    if jobs is not None and len(jobs) > MAX_TARGET_JOBS:
        errors.setdefault("target_jobs", []).append(
            ValidationError(
                TARGET_JOBS_MESSAGE,
                code="too_many_target_jobs",
                params={"limit": MAX_TARGET_JOBS, "count": len(jobs)},
            )
        )
    sought = _distinct(topics_sought) if topics_sought is not UNSET else None
    offered = _distinct(topics_offered) if topics_offered is not UNSET else None
    for name, topics in (("topics_sought", sought), ("topics_offered", offered)):
        inactive = [topic.label for topic in topics or [] if not topic.is_active]
        if inactive:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("Cette thématique n'est plus proposée : %(labels)s."),
                    code="inactive_topic",
                    params={"labels": ", ".join(inactive)},
                )
            )

    previous = {name: getattr(member, name) for name in scalars}
    for name, value in scalars.items():
        setattr(member, name, value)
    try:
        member.full_clean(exclude=list(errors))
    except ValidationError as error:
        for name, messages in error.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        for name, value in previous.items():
            setattr(member, name, value)
        raise ValidationError(errors)

    if scalars:
        member.save(update_fields=[*scalars, "updated_at"])
    if jobs is not None:
        member.target_jobs.set(jobs)
    if sought is not None:
        member.topics_sought.set(sought)
    if offered is not None:
        member.topics_offered.set(offered)
    if scalars:
        member_search_index_rebuild(member_ids=[member.pk])
    if scalars or jobs is not None or sought is not None or offered is not None:
        # Their suggestions follow the new profile, computed by a worker once this commits.
        transaction.on_commit(lambda: _suggestions_refresh_enqueue(member_id=member.pk))
    return member


def _suggestions_refresh_enqueue(*, member_id: int) -> None:
    # Recommendations depend on members, not the reverse: reach the task at call time.
    from pairs.recommendations.tasks import suggestions_member

    suggestions_member.enqueue(member_id=member_id)


def _distinct(items: Iterable[T]) -> list[T]:
    """Items in order, each once (by primary key)."""
    seen: set[object] = set()
    result = []
    for item in items:
        if item.pk not in seen:  # type: ignore[attr-defined]
            seen.add(item.pk)  # type: ignore[attr-defined]
            result.append(item)
    return result
