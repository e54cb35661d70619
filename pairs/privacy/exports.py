"""The member's copy of their data (RGPD art. 15 and 20): one ZIP, JSON and CSV.

``donnees.json`` holds every table, ``<table>.csv`` one file per table with
French headers. Beyond the tables named here (profile, account, email
addresses, consents with the text shown, contacts, audit trail), every other
model with a relation to the member or to their account is found through the
model meta (``discovery.personal_relations``) and exported as is: a feature
added later is exported without touching this file. That includes the private
notes consultants write about a member: under the RGPD they are personal data
about the member, who has a right to read them, so their text is exported.

Secrets are never exported: the password hash and any field named like a
password, key, token, nonce or secret.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pairs.contacts.models import Contact
from pairs.core.spreadsheets import cell_neutralise
from pairs.members.models import Member

from .discovery import personal_relations
from .models import ConsentRecord, Erasure, ProfileAccess, RetentionNotice

_SECRET_NAMES = ("password", "secret", "token", "nonce")
_SECRET_EXACT = frozenset({"key", "session_key", "session_data"})
# Tables exported by name below, or holding nothing about the member to show.
_NAMED_MODELS = (Member, EmailAddress, ConsentRecord, Contact, ProfileAccess, Erasure, RetentionNotice)


@dataclass
class Table:
    key: str  # file name without extension, and key in the JSON
    title: str
    columns: dict[str, str]  # field name → French header
    rows: list[dict[str, Any]] = field(default_factory=list)


def csv_cell(value: Any) -> str:
    """One CSV cell, neutralised against formula injection: a leading =, +, -, @, tab or CR gets a quote."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = _("oui") if value else _("non")
    elif isinstance(value, list):
        text = " ; ".join(str(item) for item in value)
    else:
        text = str(value)
    return cell_neutralise(text)


def _is_secret(name: str) -> bool:
    return name in _SECRET_EXACT or any(part in name for part in _SECRET_NAMES)


def _fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    meta = model._meta
    return [f for f in [*meta.concrete_fields, *meta.many_to_many] if not _is_secret(f.name)]


OTHER_PERSON = "Autre personne (masquée)"


def _person(related: models.Model, owner: Member | None) -> str:
    """A member or account named in a row: the owner and staff by name, any other member masked."""
    if isinstance(related, Member):
        return str(related) if owner is None or related.pk == owner.pk else OTHER_PERSON
    if isinstance(related, get_user_model()):
        if owner is not None and related.pk != owner.user_id and not related.is_staff_role:
            return OTHER_PERSON
        return related.get_full_name() or related.email
    return str(related)


def _readable(obj: models.Model, f: models.Field, owner: Member | None) -> Any:  # type: ignore[type-arg]
    """A field's value as a person reads it: labels for choices, names for relations, ISO dates.

    ``owner`` is given for tables found through the model meta, whose rows may
    name other members too (a meeting, a request between two members): those
    are masked, the export only discloses the owner's own data.
    """
    if f.many_to_many:
        return [_person(item, owner) for item in getattr(obj, f.name).all()]
    if f.is_relation:
        related = getattr(obj, f.name)
        return None if related is None else _person(related, owner)
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    value = getattr(obj, f.attname)
    if isinstance(obj, Member) and f.name == "availability":
        return obj.availability_labels()
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _table(key: str, model: type[models.Model], objects: Any, *, owner: Member | None = None) -> Table:
    fields = _fields(model)
    table = Table(key, str(model._meta.verbose_name_plural).capitalize(), {})
    table.columns = {f.name: str(f.verbose_name).capitalize() for f in fields}
    table.rows = [{f.name: _readable(obj, f, owner) for f in fields} for obj in objects]
    return table


def _consents_table(member: Member) -> Table:
    table = Table(
        "consentements",
        _("Consentements"),
        {
            "kind": _("Consentement"),
            "granted": _("Accordé"),
            "recorded_at": _("Enregistré le"),
            "source": _("Origine"),
            "recorded_by": _("Enregistré par"),
            "text_version": _("Version du texte"),
            "text": _("Texte présenté"),
        },
    )
    records = ConsentRecord.objects.filter(member=member).select_related("wording", "recorded_by")
    for record in records.order_by("recorded_at", "id"):
        by = record.recorded_by
        table.rows.append(
            {
                "kind": record.get_kind_display(),
                "granted": record.granted,
                "recorded_at": timezone.localtime(record.recorded_at).isoformat(),
                "source": record.get_source_display(),
                "recorded_by": (by.get_full_name() or by.email) if by else None,
                "text_version": record.wording.version,
                "text": record.wording.text,
            }
        )
    return table


# Rows that point at the member but belong to someone else's private choices: exporting
# them would tell the member what another person did about them (ticked them without a
# match, dismissed them, was shown them as a suggestion). They stay out of the export.
EXPORT_EXCLUDED_RELATIONS = frozenset(
    {
        "feedback.ContactWish.to_member",
        "recommendations.Dismissal.dismissed",
        "recommendations.PeerSuggestion.suggested",
    }
)


def _other_tables(member: Member) -> list[Table]:
    """Every other model related to the member or their account, found through the model meta."""
    filters: dict[type[models.Model], Q] = {}
    for relation in personal_relations():
        if relation.model in _NAMED_MODELS:
            continue
        if f"{relation.model._meta.label}.{relation.field.name}" in EXPORT_EXCLUDED_RELATIONS:
            continue
        if relation.to_member:
            condition = Q(**{relation.field.name: member})
        elif member.user_id is not None:
            condition = Q(**{relation.field.name: member.user_id})
        else:
            continue
        filters[relation.model] = filters.get(relation.model, Q()) | condition
    tables = []
    for model in sorted(filters, key=lambda m: m._meta.label):
        objects = model._default_manager.filter(filters[model]).distinct().order_by("pk")
        if objects.exists():
            meta = model._meta
            tables.append(_table(f"{meta.app_label}_{meta.model_name}", model, objects, owner=member))
    return tables


def member_data_tables(*, member: Member) -> list[Table]:
    """Everything stored about the member, one table per kind of data."""
    tables = [_table("profil", Member, [member])]
    user = member.user
    if user is not None:
        tables.append(_table("compte", type(user), [user]))
        tables.append(_table("adresses_email", EmailAddress, EmailAddress.objects.filter(user=user)))
    tables.append(_consents_table(member))
    tables.append(
        _table("contacts", Contact, Contact.objects.filter(member=member).order_by("added_at", "id"))
    )
    tables.append(
        _table(
            "journal_acces", ProfileAccess, ProfileAccess.objects.filter(member=member).order_by("at", "id")
        )
    )
    notices = RetentionNotice.objects.filter(member=member)
    if notices.exists():
        tables.append(_table("avertissements_conservation", RetentionNotice, notices))
    # The member's answers after rencontres hang on their registrations, not on them directly.
    from pairs.feedback.models import Feedback

    answers = Feedback.objects.filter(registration__member=member).order_by("submitted_at", "id")
    if answers.exists():
        tables.append(_table("avis_apres_rencontre", Feedback, answers))
    tables.extend(_other_tables(member))
    return tables


def _csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what a French spreadsheet opens without an import dialog.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(label) for label in table.columns.values()])
    for row in table.rows:
        writer.writerow([csv_cell(row.get(name)) for name in table.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


README = """Vos données sur Rencontres entre Pairs

donnees.json contient toutes les tables ; chaque fichier .csv en reprend une
(séparateur point-virgule, encodage UTF-8). Une valeur commençant par
=, +, -, @ est précédée d'une apostrophe pour qu'un tableur ne l'exécute pas.
Le mot de passe n'est jamais exporté : seule son empreinte est conservée.
"""


def member_data_export(*, member: Member) -> bytes:
    """The member's data as a ZIP archive: donnees.json and one CSV per table (French headers)."""
    with translation.override("fr"):
        tables = member_data_tables(member=member)
        document = {
            "genere_le": timezone.localtime().isoformat(),
            "tables": {
                table.key: {"titre": table.title, "colonnes": table.columns, "lignes": table.rows}
                for table in tables
            },
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("LISEZMOI.txt", README)
            archive.writestr("donnees.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
            for table in tables:
                archive.writestr(f"{table.key}.csv", _csv_bytes(table))
    return buffer.getvalue()
