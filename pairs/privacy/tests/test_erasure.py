from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models

from pairs.contacts.models import ConsultantNote, Contact
from pairs.members.models import Member
from pairs.privacy.discovery import personal_relations
from pairs.privacy.models import ConsentRecord, Erasure, ProfileAccess, ProfileAction
from pairs.privacy.selectors import erased_email_fingerprint_exists, member_is_erased
from pairs.privacy.services import member_erase
from tests.fixtures import World

from .helpers import CONTACT_DETAIL, NOTE_TEXT, PERSONAL, member_fill

_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _traces(needles: list[str]) -> list[str]:
    """Every (table, column) of the whole database where one of the needles still appears."""
    found = []
    lowered = [needle.lower() for needle in needles]
    for model in apps.get_models(include_auto_created=True):
        columns = [f for f in model._meta.concrete_fields if isinstance(f, _TEXT_FIELDS)]
        for row in model._default_manager.values_list(*[f.attname for f in columns]) if columns else []:
            for column, value in zip(columns, row, strict=True):
                text = json.dumps(value, ensure_ascii=False).lower() if value is not None else ""
                found += [f"{model._meta.label}.{column.name}" for needle in lowered if needle in text]
    return found


def test_after_erasure_no_personal_value_survives_in_any_table(world: World) -> None:
    member = member_fill(world)
    needles = [*PERSONAL.values(), "612345678", NOTE_TEXT, CONTACT_DETAIL, "zephyrine-quatremare"]
    assert _traces(needles)  # the sweep does see them before
    member_erase(member=member, actor=world.member)
    assert _traces(needles) == []


def test_erasure_empties_the_profile_and_keeps_the_statistics(world: World) -> None:
    member = member_fill(world)
    kept = {
        name: getattr(member, name)
        for name in ("situation", "phase", "delegation_id", "departement_id", "sector_id", "created_at")
    }
    consents_before = ConsentRecord.objects.filter(member=member).count()
    erasure = member_erase(member=member, actor=None)
    member.refresh_from_db()
    assert str(member) == "Membre effacé"
    assert member.email.startswith("efface-")
    assert member.email.endswith(".invalid")
    assert {name: getattr(member, name) for name in kept} == kept
    assert (member.phone, member.linkedin_url, member.seeking_text, member.offering_text) == ("", "", "", "")
    assert member.availability == []
    assert member.current_job is None
    assert member.experience_band == ""
    assert not member.target_jobs.exists()
    assert not member.topics_sought.exists()
    assert not member.topics_offered.exists()
    assert not Contact.objects.filter(member=member).exists()
    assert not ConsultantNote.objects.filter(member=member).exists()
    # Consent history is proof: kept as is, without personal text.
    assert ConsentRecord.objects.filter(member=member).count() == consents_before
    assert ProfileAccess.objects.filter(member=member, action=ProfileAction.ERASE, actor=None).exists()
    assert erasure.erased_by is None
    assert member_is_erased(member=member)


def test_the_account_is_closed_and_anonymised(world: World) -> None:
    member = member_fill(world)
    member_erase(member=member, actor=world.member)
    user = type(world.member).objects.get(pk=world.member.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("", "")
    assert user.email == Member.objects.get(pk=member.pk).email
    assert not EmailAddress.objects.filter(user=user).exists()


def test_erased_emails_are_remembered_only_as_a_keyed_hash(world: World) -> None:
    member = member_fill(world)
    assert not erased_email_fingerprint_exists(email=PERSONAL["email"])
    erasure = member_erase(member=member, actor=None)
    assert erased_email_fingerprint_exists(email="  Zephyrine.Quatremare@EXEMPLE.fr ")
    assert not erased_email_fingerprint_exists(email="quelquun.dautre@exemple.fr")
    assert PERSONAL["email"] not in erasure.email_fingerprint
    assert len(erasure.email_fingerprint) == 64


def test_erasing_twice_changes_nothing(world: World) -> None:
    member = member_fill(world)
    first = member_erase(member=member, actor=None)
    email = Member.objects.get(pk=member.pk).email
    assert member_erase(member=member, actor=world.member) == first
    assert Member.objects.get(pk=member.pk).email == email
    assert Erasure.objects.count() == 1
    assert ProfileAccess.objects.filter(action=ProfileAction.ERASE).count() == 1


def test_another_member_is_untouched(world: World) -> None:
    member = member_fill(world)
    from tests.factories import MemberFactory

    other = MemberFactory(first_name="Barnabé", phone="+33698765432")
    member_erase(member=member, actor=None)
    other.refresh_from_db()
    assert (other.first_name, other.phone) == ("Barnabé", "+33698765432")
    assert not member_is_erased(member=other)


def test_discovery_finds_the_tables_of_later_features() -> None:
    labels = {relation.model._meta.label for relation in personal_relations()}
    assert {
        "contacts.Contact",
        "contacts.ConsultantNote",
        "account.EmailAddress",
        "privacy.ConsentRecord",
    } <= labels
    assert "members.Member" not in labels


def test_erasure_deletes_the_copies_of_emails_sent_to_the_member(world) -> None:
    from django.core.mail import EmailMultiAlternatives

    from pairs.core.emails import email_enqueue
    from pairs.core.models import OutgoingEmail
    from pairs.privacy.services import member_erase

    member = world.member_profile
    email_enqueue(message=EmailMultiAlternatives("Bonjour", "Texte", to=[member.email]))
    email_enqueue(message=EmailMultiAlternatives("Bonjour", "Texte", to=["quelqu-un@exemple.fr"]))
    member_erase(member=member, actor=None)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["quelqu-un@exemple.fr"]
