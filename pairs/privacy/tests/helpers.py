"""A member with every profile field filled with values that appear nowhere else."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from pairs.contacts.models import ConsultantNote, Contact, ContactBasis
from pairs.members.models import ExperienceBand, Member
from pairs.privacy.models import ConsentKind, ConsentSource, ProfileAction
from pairs.privacy.services import consent_grant, profile_access_record
from tests.factories import RomeMetierFactory, TopicFactory
from tests.fixtures import World

# Distinctive values: the erasure sweep looks for each of them in every table.
PERSONAL = {
    "first_name": "Zéphyrine",
    "last_name": "Quatremare",
    "email": "zephyrine.quatremare@exemple.fr",
    "phone": "+33612345678",
    "linkedin_url": "https://www.linkedin.com/in/zephyrine-quatremare",
    "seeking_text": "Je cherche un pair ayant quitté la sidérurgie lorraine",
    "offering_text": "Je peux raconter ma reconversion en ébénisterie marquetée",
}
NOTE_TEXT = "Note privée : envisage une reconversion en apiculture bretonne"
CONTACT_DETAIL = "Rencontrée au salon des orgues de Barbarie"


def member_fill(world: World) -> Member:
    member = world.member_profile
    user = world.member
    for name, value in PERSONAL.items():
        setattr(member, name, value)
    member.experience_band = ExperienceBand.FROM_10_TO_20
    member.prefers_video = True
    member.availability = ["mon_morning", "thu_evening"]
    member.current_job = RomeMetierFactory(label="Métier actuel de test")
    member.save()
    member.target_jobs.set([RomeMetierFactory(label="Métier visé de test")])
    member.topics_sought.set([TopicFactory(label="Thématique cherchée de test")])
    member.topics_offered.set([TopicFactory(label="Thématique offerte de test")])
    EmailAddress.objects.filter(user=user).update(email=PERSONAL["email"])
    user.email = PERSONAL["email"]
    user.first_name = PERSONAL["first_name"]
    user.last_name = PERSONAL["last_name"]
    user.save()
    consultant = world.consultant_same.consultant
    Contact.objects.create(
        consultant=consultant, member=member, basis=ContactBasis.EVENT, basis_detail=CONTACT_DETAIL
    )
    ConsultantNote.objects.create(author=consultant, member=member, text=NOTE_TEXT)
    consent_grant(
        member=member, kind=ConsentKind.RECOMMENDATIONS, source=ConsentSource.PROFILE, recorded_by=user
    )
    profile_access_record(actor=world.consultant_same, member=member, action=ProfileAction.VIEW)
    return member
