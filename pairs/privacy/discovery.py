"""Find every table that holds rows about a member, from Django's model meta.

The export and the erasure both walk the models instead of a fixed list, so
data added by a later feature (a meeting participation, a consultant's note)
is exported and erased without editing this app. A relation counts when a
model has a ForeignKey, OneToOneField or ManyToManyField to ``Member`` or to
the user model.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from pairs.members.models import Member


@dataclass(frozen=True)
class PersonalRelation:
    model: type[models.Model]
    field: models.Field  # type: ignore[type-arg]
    to_member: bool  # False: the relation points to the user account

    @property
    def cascades(self) -> bool:
        """The row belongs to the member or account (it dies with it)."""
        remote = getattr(self.field, "remote_field", None)
        return bool(self.field.many_to_many) or getattr(remote, "on_delete", None) is models.CASCADE


def personal_relations() -> list[PersonalRelation]:
    """Every relation from another model to Member or to the user model (auto-created M2M tables aside)."""
    user_model = get_user_model()
    found: list[PersonalRelation] = []
    for model in apps.get_models():
        if model is Member:
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            if field.related_model is Member:
                found.append(PersonalRelation(model, field, to_member=True))  # type: ignore[arg-type]
            elif field.related_model is user_model and model is not Member:
                found.append(PersonalRelation(model, field, to_member=False))  # type: ignore[arg-type]
    return found


def personal_models() -> list[type[models.Model]]:
    """The models of ``personal_relations``, each once, in a stable order."""
    seen: dict[str, type[models.Model]] = {}
    for relation in personal_relations():
        seen.setdefault(relation.model._meta.label, relation.model)
    return [seen[label] for label in sorted(seen)]
