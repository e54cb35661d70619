"""Members for the peer-coffee tests: opted in, consent (a), profiles that give every pair a positive score."""

from __future__ import annotations

from pairs.accounts.models import Role
from pairs.coffee.services import coffee_opt_in
from pairs.members.models import Member, Phase, Situation, Topic
from pairs.network.models import Delegation
from pairs.privacy.models import ConsentKind, ConsentSource
from pairs.privacy.services import consent_grant
from tests.factories import MemberFactory, UserFactory


def grant(member: Member, kind: ConsentKind = ConsentKind.RECOMMENDATIONS) -> None:
    consent_grant(member=member, kind=kind, source=ConsentSource.PROFILE, recorded_by=member.user)


def people(
    delegation: Delegation | None,
    count: int,
    *,
    now,  # type: ignore[no-untyped-def]
    consent: bool = True,
    opt_in: bool = True,
    share_email: bool = False,
    **extra: object,
) -> list[Member]:
    reconversion, _ = Topic.objects.get_or_create(slug="reconversion", defaults={"label": "Reconversion"})
    made = []
    for n in range(count):
        user = UserFactory(role=Role.MEMBER)
        fields: dict[str, object] = {
            "situation": [Situation.JOB_SEEKER, Situation.EMPLOYED][n % 2],
            "phase": [Phase.PREPARATION, Phase.TRANSITION, Phase.INTEGRATION][n % 3],
            "seeking_text": "Je cherche des conseils pour ma reconversion dans le numérique.",
            "offering_text": "Je peux partager mon expérience de reconversion et du réseau.",
            "prefers_video": True,
            "availability": ["thu_evening", "fri_lunch"],
        }
        fields.update(extra)
        member = MemberFactory(user=user, email=user.email, delegation=delegation, **fields)
        member.topics_sought.add(reconversion)
        member.topics_offered.add(reconversion)
        if consent:
            grant(member)
        if opt_in:
            coffee_opt_in(member=member, share_email=share_email, now=now)
        made.append(member)
    return made
