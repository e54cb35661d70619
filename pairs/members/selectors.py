"""Reads on members, scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from pairs.accounts.models import DELEGATION_ROLES, User
from pairs.reference.models import Departement, RomeDomaine

from .models import Member, Topic
from .search import search_filter


def member_list_visible_to(*, viewer: User) -> QuerySet[Member]:
    """Consultants and leads see their delegation's members and their own contacts
    (who may live elsewhere); national team and admin see everyone."""
    members = Member.objects.select_related("departement", "delegation", "current_job")
    if viewer.role in DELEGATION_ROLES:
        consultant = getattr(viewer, "consultant", None)
        if consultant is None:
            return members.none()
        # Contact lives in the contacts app, which depends on this one: reach it
        # through the reverse relation rather than an import.
        contact_model = Member._meta.get_field("contacts").related_model
        # An uncorrelated IN: PostgreSQL hashes the consultant's contacts once, where a
        # correlated EXISTS would run a subquery for every candidate row.
        own_contacts = contact_model.objects.filter(consultant=consultant).values("member_id")
        return members.filter(Q(delegation_id=consultant.delegation_id) | Q(pk__in=own_contacts))
    return members


def topic_list_active() -> QuerySet[Topic]:
    """The topics members may choose, in display order."""
    return Topic.objects.filter(is_active=True)


@dataclass(frozen=True)
class MemberSearchFilters:
    """What a consultant searches for; an empty value filters nothing."""

    query: str = ""
    situation: str = ""
    phase: str = ""
    # A ROME grand domaine (one letter, "M") or domaine professionnel ("M17") of the current job.
    rome: str = ""
    departement: str = ""
    topic: str = ""
    # "sought", "offered", or "" for either.
    topic_role: str = ""
    # A privacy.ConsentKind: only members whose latest record of that kind is a grant.
    consent: str = ""


def member_search(*, viewer: User, filters: MemberSearchFilters) -> QuerySet[Member]:
    """The members visible to the viewer that match the filters: by relevance when there is
    a text query, by name otherwise."""
    members = member_list_visible_to(viewer=viewer)
    if filters.situation:
        members = members.filter(situation=filters.situation)
    if filters.phase:
        members = members.filter(phase=filters.phase)
    if len(filters.rome) == 1:
        members = members.filter(current_job__domaine__grand_domaine_id=filters.rome)
    elif filters.rome:
        members = members.filter(current_job__domaine_id=filters.rome)
    if filters.departement:
        members = members.filter(departement_id=filters.departement)
    if filters.topic:
        members = members.filter(_topic_condition(topic=filters.topic, role=filters.topic_role))
    if filters.consent:
        # Privacy depends on members: import where used, not at module load.
        from pairs.privacy.selectors import members_with_consent

        # Combined rather than `pk__in`: the latest-record check then runs for the rows left
        # by the other filters only, instead of for every member (5 to 10 times faster).
        members = members & members_with_consent(kind=filters.consent)
    if filters.query.strip():
        return search_filter(queryset=members, query=filters.query)
    return members.order_by("last_name", "first_name", "id")


def _topic_condition(*, topic: str, role: str) -> Q:
    # Exists rather than a join: a member who seeks and offers the topic appears once.
    sought = Exists(Member.topics_sought.through.objects.filter(member_id=OuterRef("pk"), topic_id=topic))
    offered = Exists(Member.topics_offered.through.objects.filter(member_id=OuterRef("pk"), topic_id=topic))
    if role == "sought":
        return Q(sought)
    if role == "offered":
        return Q(offered)
    return Q(sought) | Q(offered)


def member_list_by_ids(*, ids: list[int]) -> list[Member]:
    """These members in this order, with what the list shows (a page found by `member_search`)."""
    members = Member.objects.select_related("departement", "delegation", "current_job").in_bulk(ids)
    return [members[member_id] for member_id in ids if member_id in members]


def rome_domaine_list() -> QuerySet[RomeDomaine]:
    """ROME domaines professionnels with their grand domaine, in code order (for the filter)."""
    return RomeDomaine.objects.select_related("grand_domaine").order_by("code")


def departement_list() -> QuerySet[Departement]:
    return Departement.objects.order_by("code")
