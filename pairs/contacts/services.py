"""Writes on contacts and on consultants' private notes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from pairs.accounts.models import Role, User
from pairs.members.models import Member
from pairs.network.models import Consultant

from .models import ConsultantNote, Contact, ContactBasis


def contact_add(
    *,
    consultant: Consultant,
    member: Member,
    added_by: User | None,
    basis: ContactBasis | str,
    basis_detail: str = "",
) -> Contact:
    """Make the member a contact of the consultant; an existing contact is returned unchanged.

    Safe when two requests add the same contact at once: the unique constraint
    decides, and the loser reads the winner's row.
    """
    existing = Contact.objects.filter(consultant=consultant, member=member).first()
    if existing is not None:
        return existing
    contact = Contact(
        consultant=consultant,
        member=member,
        added_by=added_by,
        basis=ContactBasis(basis),
        basis_detail=basis_detail.strip(),
    )
    # The constraint is checked by the database below, where it cannot race.
    contact.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint: a caller's transaction survives the IntegrityError.
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        return Contact.objects.get(consultant=consultant, member=member)
    return contact


@transaction.atomic
def contact_remove(*, consultant: Consultant, member: Member, removed_by: User) -> bool:
    """Remove the member from the consultant's contacts; False when they were not one.

    Only the consultant themself (or the national team, the administration)
    may remove one of their contacts.
    """
    own = getattr(removed_by, "consultant", None)
    if removed_by.role not in (Role.NATIONAL, Role.ADMIN) and (own is None or own.pk != consultant.pk):
        raise PermissionDenied("Only the consultant may remove their own contact.")
    deleted, _by_model = Contact.objects.filter(consultant=consultant, member=member).delete()
    return deleted > 0


@transaction.atomic
def note_create(*, author: Consultant, member: Member, text: str) -> ConsultantNote:
    now = timezone.now()
    note = ConsultantNote(author=author, member=member, text=text.strip(), created_at=now, updated_at=now)
    note.full_clean()
    note.save()
    return note


def _check_author(*, note: ConsultantNote, consultant: Consultant | None) -> None:
    if consultant is None or note.author_id != consultant.pk:
        raise PermissionDenied("Only the author of a note may change or delete it.")


@transaction.atomic
def note_update(*, note: ConsultantNote, editor: Consultant | None, text: str) -> ConsultantNote:
    _check_author(note=note, consultant=editor)
    note.text = text.strip()
    note.updated_at = timezone.now()
    note.full_clean()
    note.save(update_fields=["text", "updated_at"])
    return note


@transaction.atomic
def note_delete(*, note: ConsultantNote, deleter: Consultant | None) -> None:
    _check_author(note=note, consultant=deleter)
    note.delete()
