"""Contacts and private notes: the writes and the reads, on both databases."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from pairs.contacts.models import ConsultantNote, Contact, ContactBasis
from pairs.contacts.selectors import consultants_of, contact_list_for, note_list_for
from pairs.contacts.services import (
    contact_add,
    contact_remove,
    note_create,
    note_delete,
    note_update,
)
from tests.factories import MemberFactory
from tests.fixtures import World


def test_contact_add_is_idempotent_and_keeps_the_first_basis(world: World) -> None:
    consultant = world.consultant_same.consultant
    first = contact_add(
        consultant=consultant,
        member=world.member_profile,
        added_by=world.consultant_same,
        basis=ContactBasis.EVENT,
        basis_detail="Salon de mars",
    )
    again = contact_add(
        consultant=consultant,
        member=world.member_profile,
        added_by=world.lead_same,
        basis=ContactBasis.OTHER,
    )
    assert again.pk == first.pk
    assert (again.basis, again.basis_detail, again.added_by) == (
        ContactBasis.EVENT,
        "Salon de mars",
        world.consultant_same,
    )
    assert Contact.objects.filter(member=world.member_profile).count() == 1


def test_contact_add_reads_the_winner_when_the_insert_loses_a_race(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup missed (another request was inserting): the unique constraint
    refuses the second row and the service returns the existing one."""
    consultant = world.consultant_same.consultant
    winner = Contact.objects.create(
        consultant=consultant, member=world.member_profile, basis=ContactBasis.EVENT
    )
    real_filter = Contact.objects.filter
    calls = {"n": 0}

    def first_lookup_misses(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if calls["n"] == 1 else queryset

    monkeypatch.setattr(Contact.objects, "filter", first_lookup_misses)
    result = contact_add(
        consultant=consultant, member=world.member_profile, added_by=None, basis=ContactBasis.OTHER
    )
    assert calls["n"] == 1  # the race path was taken
    assert result.pk == winner.pk
    assert Contact.objects.filter(member=world.member_profile).count() == 1


def test_contact_add_refuses_an_unknown_basis(world: World) -> None:
    with pytest.raises(ValueError, match="telepathy"):
        contact_add(
            consultant=world.consultant_same.consultant,
            member=world.member_profile,
            added_by=None,
            basis="telepathy",
        )
    assert not Contact.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_contact_add_makes_one_contact(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite sérialise toutes les écritures : la course n'existe que sur PostgreSQL.")
    consultant = world.consultant_same.consultant
    member = world.member_profile
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    results: list[int] = []
    errors: list[BaseException] = []

    def add() -> None:
        try:
            barrier.wait()
            contact = contact_add(
                consultant=consultant, member=member, added_by=None, basis=ContactBasis.EVENT
            )
            results.append(contact.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Contact.objects.filter(consultant=consultant, member=member).count() == 1
    assert set(results) == {Contact.objects.get(consultant=consultant, member=member).pk}


def test_contact_remove_only_by_the_consultant_or_national(world: World) -> None:
    consultant = world.consultant_same.consultant
    contact_add(consultant=consultant, member=world.member_profile, added_by=None, basis="event")
    with pytest.raises(PermissionDenied):
        contact_remove(consultant=consultant, member=world.member_profile, removed_by=world.lead_same)
    assert contact_remove(
        consultant=consultant, member=world.member_profile, removed_by=world.consultant_same
    )
    assert not Contact.objects.exists()
    assert not contact_remove(consultant=consultant, member=world.member_profile, removed_by=world.national)


def test_contact_list_for_and_consultants_of(world: World) -> None:
    other_member = MemberFactory()
    same = world.consultant_same.consultant
    other = world.consultant_other.consultant
    contact_add(consultant=same, member=world.member_profile, added_by=None, basis="event")
    contact_add(consultant=other, member=world.member_profile, added_by=None, basis="member_request")
    contact_add(consultant=other, member=other_member, added_by=None, basis="event")
    assert [c.member for c in contact_list_for(consultant=same)] == [world.member_profile]
    assert [c.consultant for c in consultants_of(member=world.member_profile)] == [same, other]
    assert [c.basis for c in consultants_of(member=world.member_profile)] == [
        "event",
        "member_request",
    ]


def test_notes_are_listed_for_their_author_only(world: World) -> None:
    author = world.consultant_same.consultant
    note = note_create(author=author, member=world.member_profile, text="  Très motivé.  ")
    assert note.text == "Très motivé."
    assert list(note_list_for(member=world.member_profile, viewer=world.consultant_same)) == [note]
    for viewer in (world.consultant_other, world.lead_same, world.national, world.admin, world.member):
        assert list(note_list_for(member=world.member_profile, viewer=viewer)) == [], viewer


def test_only_the_author_updates_or_deletes_a_note(world: World) -> None:
    note = note_create(author=world.consultant_same.consultant, member=world.member_profile, text="Premier")
    for intruder in (world.lead_same.consultant, world.consultant_other.consultant, None):
        with pytest.raises(PermissionDenied):
            note_update(note=note, editor=intruder, text="Piraté")
        with pytest.raises(PermissionDenied):
            note_delete(note=note, deleter=intruder)
    note.refresh_from_db()
    assert note.text == "Premier"
    before = note.updated_at
    note_update(note=note, editor=world.consultant_same.consultant, text="Second")
    note.refresh_from_db()
    assert note.text == "Second"
    assert note.updated_at >= before
    note_delete(note=note, deleter=world.consultant_same.consultant)
    assert not ConsultantNote.objects.exists()


def test_note_text_is_limited_to_5000_characters(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        note_create(author=world.consultant_same.consultant, member=world.member_profile, text="x" * 5001)
    assert "text" in error.value.message_dict
    assert not ConsultantNote.objects.exists()
    with pytest.raises(ValidationError):
        note_create(author=world.consultant_same.consultant, member=world.member_profile, text="  ")
