"""Writes on the day of a rencontre, beyond single check-ins: closing the welcome desk."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .models import Attendance, Registration, RegistrationStatus, Rencontre, Status


@transaction.atomic
def attendance_close(*, rencontre: Rencontre, now: datetime) -> int:
    """Record as absent everyone registered and not checked in; return how many were marked.

    Idempotent: a second call finds nobody left to mark. Only once the rencontre has
    started, so nobody is recorded absent before they could come.
    """
    locked = Rencontre.objects.select_for_update().get(pk=rencontre.pk)
    if locked.status != Status.PUBLISHED:
        raise ValidationError(_("Cette rencontre n'a pas eu lieu : il n'y a pas d'accueil à clore."))
    if locked.starts_at > now:
        raise ValidationError(_("La rencontre n'a pas encore commencé : l'accueil ne peut pas être clos."))
    return Registration.objects.filter(
        rencontre=locked, status=RegistrationStatus.REGISTERED, attendance=Attendance.UNKNOWN
    ).update(attendance=Attendance.ABSENT, checked_in_at=now)


def attendance_close_due(*, now: datetime, after: timedelta = timedelta(hours=12)) -> int:
    """Close the welcome desk of rencontres that ended more than ``after`` ago and where the
    organisers checked at least one person in; return how many people were marked absent.

    Meant for a periodic task: organisers who forget the button still get their no-shows
    recorded. A rencontre where nobody was checked in is left alone: absent and "not
    recorded" cannot be told apart there.
    """
    checked = Registration.objects.filter(
        rencontre_id=OuterRef("pk"), status=RegistrationStatus.REGISTERED
    ).exclude(attendance=Attendance.UNKNOWN)
    waiting = Registration.objects.filter(
        rencontre_id=OuterRef("pk"), status=RegistrationStatus.REGISTERED, attendance=Attendance.UNKNOWN
    )
    due = Rencontre.objects.filter(status=Status.PUBLISHED, ends_at__lte=now - after).filter(
        Exists(checked), Exists(waiting)
    )
    return sum(attendance_close(rencontre=rencontre, now=now) for rencontre in due.order_by("pk"))
